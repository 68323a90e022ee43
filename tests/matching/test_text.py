"""Specification of matching.text: folding and the orthographic name key."""

from __future__ import annotations

import re

import pytest

import matching.text
from matching.text import fold, name_key, tokens


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Keïta", "keita"),
        ("TRAORÉ", "traore"),
        ("Traorè", "traore"),
        ("  Aminata   Traoré  ", "aminata traore"),
        ("Kulikɔrɔ", "kulikoro"),
        ("Bamakɔ", "bamako"),
        ("Cɛkura", "cekura"),
        ("ɲamanton", "nyamanton"),
        ("Soŋoy", "songoy"),
        ("Ançoumane", "ansoumane"),
        ("N'Golo", "ngolo"),
        ("N’Golo", "ngolo"),
        ("N' Golo", "ngolo"),
        ("N´Diaye", "ndiaye"),
        ("Gourma-Rharous", "gourma rharous"),
        ("El-Hadj", "el hadj"),
        ("M. Traoré", "m traore"),
        ("ép. Diarra", "ep diarra"),
        ("Coulibaly, Moussa", "coulibaly moussa"),
        ("Œuvre", "oeuvre"),
        ("", ""),
    ],
)
def test_fold_lowercases_strips_diacritics_and_normalises_punctuation(
    written: str, folded: str
) -> None:
    assert fold(written) == folded


def test_fold_keeps_letters_of_other_scripts() -> None:
    assert fold("محمد Traoré") == "محمد traore"


def test_tokens_are_the_folded_words_in_order() -> None:
    assert tokens("TRAORE Aminata-Bintou N'Golo") == ["traore", "aminata", "bintou", "ngolo"]


# The brief's collision list: every spelling of a row has the same key.
SAME_KEY = [
    ["Coulibaly", "Kulibali", "Koulibaly"],
    ["Diarra", "Djarra", "Jara", "Diara", "Dyarra"],
    ["Keita", "Keïta", "Keyita"],
    ["Traoré", "Traore", "Traorè"],
    ["Cissé", "Sissé", "Sise"],
    ["Sylla", "Silla"],
    ["Sacko", "Sako", "Sakho"],
    ["Camara", "Kamara"],
    ["Doucouré", "Dukure", "Doukouré"],
    ["Diallo", "Dialo", "Jalo", "Jallo", "Jalloh"],
    ["Djénéba", "Jeneba"],
    ["Maïga", "Mayga"],
    ["Haïdara", "Aïdara", "Haydara"],
    ["Bakary", "Bakari"],
    ["Hawa", "Awa"],
    ["Khadidja", "Kadidia"],
    ["Touré", "Ture"],
]


@pytest.mark.parametrize("spellings", SAME_KEY, ids=lambda s: s[0])
def test_variant_spellings_share_one_key(spellings: list[str]) -> None:
    assert len({name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Diarra", "Diallo"),
        ("Sangaré", "Sangara"),
        ("Koné", "Konaté"),
        ("Koné", "Konaré"),
        ("Kanté", "Kamaté"),
        ("Sidibé", "Sidi"),
        ("Doumbia", "Dembélé"),
        ("Fatoumata", "Fatimata"),
        ("Mamadou", "Mahamadou"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def _docstring_examples() -> list[tuple[str, str]]:
    """Rows of the example table in matching.text's docstring: (spelling, key)."""
    doc = matching.text.__doc__ or ""
    table = doc.split("Examples")[1]
    rows = re.findall(r"^ {4}(\S.*?\S)\s{2,}(\S+)\s*$", table, re.MULTILINE)
    return [
        (spelling, key)
        for spellings, key in rows
        if not spellings.startswith("=") and spellings != "spellings"
        for spelling in spellings.split(", ")
    ]


DOCSTRING_EXAMPLES = _docstring_examples()


def test_docstring_has_an_example_table() -> None:
    assert len(DOCSTRING_EXAMPLES) > 100


@pytest.mark.parametrize(("spelling", "key"), DOCSTRING_EXAMPLES)
def test_every_docstring_example_holds(spelling: str, key: str) -> None:
    assert name_key(spelling) == key


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Tiécoura", "cekura"),  # French spelling of Bambara c → the key letter c
        ("Cɛkura", "sekura"),  # national orthography: a written c is read as French
        ("Nci", "nsi"),
    ],
)
def test_bambara_c_decision(spelling: str, key: str) -> None:
    assert name_key(spelling) == key


def test_name_key_folds_unfolded_input() -> None:
    assert name_key("KEÏTA") == name_key("keita") == "keita"


def test_name_key_of_several_words_keys_each_word() -> None:
    assert name_key("Ag Ghaly") == "ag gali"


@pytest.mark.parametrize("spelling", ["", "h", "e"])
def test_name_key_never_fails_on_tiny_input(spelling: str) -> None:
    assert isinstance(name_key(spelling), str)
