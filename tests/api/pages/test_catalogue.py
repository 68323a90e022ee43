"""Every message of the pages (templates, page code and `i18n.labels`) has its French
translation: the messages are extracted as `pybabel extract -F i18n/pages.babel.cfg` does
and compared with the French catalogue."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PAGES = ROOT / "api" / "pages"
CONFIG = ROOT / "i18n" / "pages.babel.cfg"
FRENCH = ROOT / "i18n" / "locales" / "fr" / "LC_MESSAGES" / "pages.po"
LABELS = ROOT / "i18n" / "labels.py"
"""The words of the service's codes, in the pages' catalogue."""


def _extracted() -> dict[str, list[str]]:
    with CONFIG.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(CONFIG))
    found: dict[str, list[str]] = {}
    for filename, line, message, *_ in extract_from_dir(
        PAGES, method_map, options_map, DEFAULT_KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault(msgid, []).append(f"{filename}:{line}")
    for line, message, *_ in extract_from_file("python", LABELS, DEFAULT_KEYWORDS):
        found.setdefault(message, []).append(f"i18n/labels.py:{line}")
    return found


def _french() -> dict[str, object]:
    with FRENCH.open("rb") as handle:
        catalog = read_po(handle, locale="fr", domain="pages")
    return {
        (m.id if isinstance(m.id, str) else m.id[0]): m.string
        for m in catalog
        if m.id and not m.fuzzy
    }


def test_extraction_finds_template_and_code_messages() -> None:
    where = {place.split(":")[0] for places in _extracted().values() for place in places}
    assert any(p.endswith(".html") for p in where) and any(p.endswith(".py") for p in where)


def test_every_page_message_has_a_french_translation() -> None:
    french = _french()
    missing = {
        msgid: places
        for msgid, places in _extracted().items()
        if not french.get(msgid) or (isinstance(french[msgid], tuple) and not all(french[msgid]))
    }
    assert missing == {}


def test_a_message_missing_from_the_catalogue_would_be_caught(tmp_path: Path) -> None:
    template = tmp_path / "templates" / "new.html"
    template.parent.mkdir()
    template.write_text('{{ _("A message nobody translated") }}')
    with CONFIG.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(CONFIG))
    found = [m for _, _, m, *_ in extract_from_dir(tmp_path, method_map, options_map)]
    assert found == ["A message nobody translated"]
    assert "A message nobody translated" not in _french()
