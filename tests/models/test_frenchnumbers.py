import pytest

from models.frenchnumbers import parse_french_number


@pytest.mark.parametrize(
    ("words", "number"),
    [
        ("mil neuf cent quatre-vingt-dix", 1990),
        ("mille neuf cent soixante-dix-neuf", 1979),
        ("mil neuf cent quatre-vingt-quinze", 1995),
        ("deux mille trois", 2003),
        ("deux mille vingt-quatre", 2024),
        ("dix-neuf cent quatre-vingt", 1980),
        ("vingt et un", 21),
        ("trente et un", 31),
        ("premier", 1),
        ("Deux Mille Onze", 2011),
    ],
)
def test_french_number_words(words: str, number: int) -> None:
    assert parse_french_number(words) == number


@pytest.mark.parametrize("words", ["", "mars", "deux mille et quelques"])
def test_anything_else_is_not_a_number(words: str) -> None:
    assert parse_french_number(words) is None
