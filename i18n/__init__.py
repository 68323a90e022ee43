"""Messages in French and English from gettext catalogues (Babel), one per domain.

Message ids are the English text; `locales/fr/LC_MESSAGES/<domain>.po` holds the French.
English is the source language, so it needs no catalogue. Catalogues are read from their
`.po` files (compiled in memory on first use), so there is no build step and no binary file
in the repository. Domains: `messages` (errors, CLI, summaries, progress) and `pages`.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAINS = ("messages", "pages")


def language(value: str | None) -> str:
    """`fr` or `en` from an `Accept-Language` header, a `lang` parameter or a locale name;
    French unless English comes first."""
    first = (value or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else DEFAULT_LANGUAGE


@cache
def translations(lang: str, domain: str = "messages") -> gettext.NullTranslations:
    """The catalogue of `domain` in `lang` (English: the message ids themselves)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == "en" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str, domain: str = "messages"):
    """`_` for one language: `_("Unknown record {id}").format(id=...)`."""
    return translations(lang, domain).gettext


def ngettext_for(lang: str, domain: str = "messages"):
    return translations(lang, domain).ngettext


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (a table of messages)."""
    return message
