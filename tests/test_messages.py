"""The `messages` catalogue: every message the code shows exists in French, with the same
placeholders, and the catalogue holds nothing the code no longer says."""

from __future__ import annotations

import string

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from i18n import Message, day, environment_language, gettext_for
from i18n.extract import catalogue_path, extract


@pytest.fixture(scope="module")
def extracted() -> Catalog:
    return extract()


@pytest.fixture(scope="module")
def french() -> Catalog:
    with catalogue_path("fr").open("rb") as handle:
        return read_po(handle, locale="fr", domain="messages")


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_code_shows_messages(extracted: Catalog) -> None:
    assert len(_ids(extracted)) > 150
    assert "no such suggestion" in _ids(extracted)


def test_every_message_of_the_code_has_its_french(extracted: Catalog, french: Catalog) -> None:
    missing = []
    for message in extracted:
        if not message.id:
            continue
        entry = french.get(message.id)
        strings = () if entry is None else entry.string
        strings = (strings,) if isinstance(strings, str) else tuple(strings)
        if entry is None or entry.fuzzy or not strings or not all(strings):
            missing.append(message.id)
    assert missing == [], "run `make messages` and translate these"


def test_the_catalogue_holds_no_message_the_code_dropped(
    extracted: Catalog, french: Catalog
) -> None:
    assert _ids(french) - _ids(extracted) == set()


def test_every_translation_keeps_the_placeholders(french: Catalog) -> None:
    wrong = []
    for message in french:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        expected = set().union(*(_fields(i) for i in ids))
        if any(_fields(s) != expected for s in strings if s):
            wrong.append(message.id)
    assert wrong == []


def test_no_message_is_written_as_an_f_string(capfd: pytest.CaptureFixture[str]) -> None:
    """An f-string in a message call cannot be translated: extraction skips it."""
    extract()
    assert "Skipping f-string" not in capfd.readouterr().err


def test_a_message_reads_in_both_languages_with_nested_parameters() -> None:
    row = Message(
        "row {row}, {column}: {message}",
        row=3,
        column="sex",
        message=Message('cannot read "{value}"', value="X"),
    )
    assert row.text("en") == 'row 3, sex: cannot read "X"'
    assert row.text("fr") == "ligne 3, sex : impossible de lire « X »"
    assert gettext_for("fr")("no such suggestion") == "suggestion introuvable"


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "fr"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "fr_ML.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "en_GB", "LANG": "fr_FR"}, "en"),
        ({"NRM_LANG": "fr", "LC_ALL": "en_US.UTF-8"}, "fr"),
        ({"NRM_LANG": "en"}, "en"),
    ],
)
def test_a_command_speaks_french_unless_its_environment_asks_for_english(
    environ: dict[str, str], lang: str
) -> None:
    assert environment_language(environ) == lang


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [
        ("2013-08-15", "15 août 2013", "Aug 15, 2013"),
        ("2013-08", "août 2013", "Aug 2013"),
        ("2013", "2013", "2013"),
        ("2026-12-06T14:16:46.123+00:00", "6 déc. 2026 à 14:16", "Dec 6, 2026 14:16"),
        ("2026-12-06T15:16:46+01:00", "6 déc. 2026 à 14:16", "Dec 6, 2026 14:16"),
        ("vers 2009", "vers 2009", "vers 2009"),
        (None, "", ""),
    ],
)
def test_a_date_reads_as_the_language_writes_it(value: str, french: str, english: str) -> None:
    assert (day(value, "fr"), day(value, "en")) == (french, english)
