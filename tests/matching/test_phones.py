"""A phone number as matching reads it: one number however written, evidence of the same
person only where the given names agree, and the less telling the more files carry it."""

from datetime import date

import numpy as np
import pytest

from matching.comparisons import COMPARISON_NAMES
from matching.model import FSModel
from matching.phones import normalise_phone, same_number_u
from matching.pipeline import link

PHONE = COMPARISON_NAMES.index("phone")


@pytest.mark.parametrize(
    "written", ["76 12 34 56", "76123456", "+223 76 12 34 56", "+22376123456", "00223 76-12-34-56"]
)
def test_every_way_of_writing_a_malian_number_is_one_number(written: str) -> None:
    assert normalise_phone(written) == "+22376123456"


def test_a_foreign_number_keeps_its_country() -> None:
    assert normalise_phone("+227 96 12 34 56") == "+22796123456"
    assert normalise_phone("+33 6 12 34 56 78") == "+33612345678"


@pytest.mark.parametrize("written", [None, "", "12", "néant", "0612345678"])
def test_what_is_not_a_possible_number_is_no_number(written: str | None) -> None:
    assert normalise_phone(written) is None


def _record(rid: str, given: str, phone: str | None, **more: object) -> dict:
    return {
        "id": rid,
        "family_name": "Diarra",
        "given_names": given,
        "sex": "F",
        "origin_village": "Modiodio-Do",
        "phone": phone,
        **more,
    }


def _pair(first: dict, second: dict, *others: dict) -> tuple[float, float]:
    """The probability of the first two records' pair and the phone's weight in it."""
    result = link([first, second, *others], FSModel(), fit=False, household=False)
    k = int(np.flatnonzero((result.a == 0) & (result.b == 1))[0])
    return float(result.scores.probability[k]), float(result.scores.contributions[k, PHONE])


def test_a_shared_number_makes_the_same_name_in_the_same_village_likelier() -> None:
    alone, no_weight = _pair(_record("a", "Fatoumata", None), _record("b", "Fatoumata", None))
    shared, weight = _pair(
        _record("a", "Fatoumata", "76 12 34 56"), _record("b", "Fatoumata", "+22376123456")
    )
    assert no_weight == 0.0 and weight > 5
    assert shared > alone


def test_sisters_on_their_family_number_gain_nothing_from_it() -> None:
    _, weight = _pair(_record("a", "Fatoumata", "76123456"), _record("b", "Mariam", "76123456"))
    assert weight <= 0.0


def test_a_different_number_counts_a_little_against() -> None:
    _, weight = _pair(_record("a", "Fatoumata", "76123456"), _record("b", "Fatoumata", "66123456"))
    assert -2.0 < weight < 0.0


def test_a_number_written_on_many_files_proves_less_than_a_familys_own() -> None:
    office = "20 22 33 44"
    crowd = [_record(f"o{i}", f"Autre{i}", office, family_name=f"Nom{i}") for i in range(40)]
    _, own = _pair(_record("a", "Fatoumata", "76123456"), _record("b", "Fatoumata", "76123456"))
    _, common = _pair(_record("a", "Fatoumata", office), _record("b", "Fatoumata", office), *crowd)
    assert 0.0 < common < own


def test_the_chance_of_a_shared_number_is_counted_on_the_population() -> None:
    # numbers 0, 0, 0, 1, 1 and one record without: 3·2 + 2·1 ordered pairs of 5·4
    assert same_number_u(np.array([0, 0, 0, 1, 1, -1])) == pytest.approx(8 / 20)
    assert same_number_u(np.array([-1, 3])) == 0.0


@pytest.mark.parametrize("written", ["00000000", "77777777", "１２３４５６７８"])
def test_a_filler_or_foreign_digits_are_no_number(written: str) -> None:
    assert normalise_phone(written) is None


def test_a_number_a_spreadsheet_kept_as_a_decimal_is_read() -> None:
    assert normalise_phone("76123456.0") == "+22376123456"


def test_namesakes_born_years_apart_gain_nothing_from_their_family_number() -> None:
    born = {"birth_precision": "year"}
    older = {"birth_earliest": date(2001, 1, 1), "birth_latest": date(2001, 12, 31), **born}
    younger = {"birth_earliest": date(2004, 1, 1), "birth_latest": date(2004, 12, 31), **born}
    _, weight = _pair(
        _record("a", "Fatoumata", "76123456", **older),
        _record("b", "Fatoumata", "76123456", **younger),
    )
    assert weight <= 0.0
