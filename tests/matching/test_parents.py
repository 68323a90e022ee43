"""A parent's name as a comparison: told apart by given names, whatever the family names."""

import numpy as np
import pytest

from matching.columns import build_columns
from matching.compare.pairs import compare_pairs
from matching.comparisons import COMPARISON, COMPARISON_NAMES
from matching.values import ParentValue, parent_value


def _level(parent: str, left: str, right: str) -> str:
    """The level of comparison `parent` (father, mother) between two records naming
    `left` and `right`."""
    columns = build_columns(
        [
            {"id": 1, "full_name": "A", f"{parent}_name": left},
            {"id": 2, "full_name": "B", f"{parent}_name": right},
        ]
    )
    levels = compare_pairs(columns, np.array([0]), np.array([1]))
    return COMPARISON[parent].levels[levels[0, COMPARISON_NAMES.index(parent)]]


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Mme Diallo", "Kadidiatou Diallo", "missing"),
        ("Assetou Coulibaly", "Assétou Sanogo épouse Coulibaly", "same_group"),
        ("TOURÉ ÉPOUSE SOUMARÉ Mariam", "Maryam Touré épouse Soumare", "exact"),
        ("Mamadu Lamine", "Mamadou Lamine", "exact"),
        ("Abdoul Kader Sidi", "TOUNKARA Abdoul Kader Sidi", "exact"),
        ("Moussa", "Mooussa Diarra", "fuzzy"),
        ("Harouna", "Boubacar Maïga", "different"),
        ("Mme Ag Mohamed", "Fatma Mint Ahmed", "missing"),
        ("Veuve Ould Moussa", "Khadidja Bint Mohamed", "missing"),
    ],
)
def test_parents_are_told_apart_by_their_given_names(left: str, right: str, level: str) -> None:
    """A mother's family name may be her birth or her married name, or be left out; a
    parent known by a family name alone says nothing."""
    assert _level("mother", left, right) == level


@pytest.mark.parametrize("unknown", ["inconnu", "NSP", "ND"])
def test_an_unknown_parent_is_no_parent(unknown: str) -> None:
    assert _level("father", unknown, "Moussa Diarra") == "missing"


def test_a_sons_patronym_after_mme_names_the_husband_not_the_mother() -> None:
    """A woman written "Mme Ag Adama" is the wife of a son of Adama: Adama is no given
    name of hers. A daughter's patronym after Mme ("Mme Walet Adama") names her own
    father, and a parent written "Walet Adama" is still known by it, as before."""
    assert parent_value("Mme ag Adama", None) == ParentValue((), (), "ag adama", "Mme ag Adama")
    assert parent_value("Mme Walet Adama", None).given_keys == ("adama",)
    assert parent_value("Walet Adama", None).given_keys == ("adama",)
