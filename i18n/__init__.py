"""Messages in French and English from gettext catalogues (Babel), one per domain.

Message ids are the English text; `locales/fr/LC_MESSAGES/<domain>.po` holds the French.
English is the source language, so it needs no catalogue. Catalogues are read from their
`.po` files (compiled in memory on first use), so there is no build step and no binary file
in the repository. Domains: `messages` (errors, CLI, summaries, progress) and `pages`.
"""

from __future__ import annotations

import gettext
import io
import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAINS = ("messages", "pages")


LANG_ENV = "NRM_LANG"
LOCALE_ENVS = ("LC_ALL", "LC_MESSAGES", "LANG")


def environment_language(environ: Mapping[str, str] = os.environ) -> str:
    """A command's language: `NRM_LANG`, else the first locale variable set; French unless
    it starts with `en`."""
    for name in (LANG_ENV, *LOCALE_ENVS):
        if environ.get(name):
            return language(environ[name])
    return DEFAULT_LANGUAGE


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


def number(value: float, lang: str, digits: int = 0, grouped: bool = False) -> str:
    """A number as `lang` writes it (Babel): a decimal comma and spaces between thousands
    in French, `digits` decimals always shown."""
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language(lang))


def day(value: object, lang: str) -> str:
    """A date or a time of the service as `lang` writes it (Babel): "2013-08-15" →
    "15 août 2013", "2013-08" → "août 2013", "2013" stays, "2026-12-06T14:16:46" →
    "6 déc. 2026 à 14:16" (times in UTC, Mali's time). Anything else is returned as it is
    (a birth date as written: "vers 2009")."""
    text = value.isoformat() if isinstance(value, date) else str(value or "")
    locale = language(lang)
    try:
        if _MONTH.fullmatch(text):
            return format_skeleton("yMMM", date.fromisoformat(text + "-01"), locale=locale)
        if _DAY.fullmatch(text):
            return format_date(date.fromisoformat(text), "medium", locale=locale)
        if _DAY.fullmatch(text[:10]) and text[10:11] in ("T", " "):
            moment = datetime.fromisoformat(text)
            if moment.tzinfo:
                moment = moment.astimezone(UTC)
            return format_datetime(moment, _AT.get(locale, _AT["en"]), locale=locale)
    except ValueError:
        pass
    return text


_AT = {"fr": "d MMM y 'à' HH:mm", "en": "MMM d, y HH:mm"}
"""A time as each language writes it after a day ("6 déc. 2026 à 14:16")."""
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later (a table of messages)."""
    return message


class Message:
    """A message id (English, with `{name}` fields) and its parameters, translated only
    where it is shown: `Message("no such record {id}", id=x).text("fr")`. A parameter may
    itself be a Message (translated in the same language)."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid = msgid
        self.params = params

    def text(self, lang: str = "en", domain: str = "messages") -> str:
        params = {
            key: value.text(lang, domain) if isinstance(value, Message) else value
            for key, value in self.params.items()
        }
        return gettext_for(lang, domain)(self.msgid).format(**params)

    def __str__(self) -> str:
        return self.text("en")

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.msgid, self.params) == (
            other.msgid,
            other.params,
        )

    def __hash__(self) -> int:
        return hash(self.msgid)


class Word(Message):
    """A code of the service (a role, a status, a decision) as a message's parameter, shown
    in the words the pages use for it (`i18n.labels`, the `pages` catalogue): "le rôle
    réviseur", not "le rôle reviewer". A code with no word is shown as it is."""

    __slots__ = ()

    def __init__(self, code: object, /) -> None:
        super().__init__(str(code))

    def text(self, lang: str = "en", domain: str = "messages") -> str:
        from i18n.labels import FIELDS, WORDS

        word = WORDS.get(self.msgid) or FIELDS.get(self.msgid)
        return gettext_for(lang, "pages")(word) if word else self.msgid


class Words(Message):
    """Codes as a message's parameter: each in its words (`Word`), joined by commas."""

    __slots__ = ()

    def __init__(self, codes: list[str], /) -> None:
        super().__init__(", ".join(codes))

    def text(self, lang: str = "en", domain: str = "messages") -> str:
        return ", ".join(Word(code).text(lang, domain) for code in self.msgid.split(", "))


class Day(Message):
    """A date or a time as a message's parameter, written as the language writes it
    (`day`)."""

    __slots__ = ()

    def __init__(self, value: object, /) -> None:
        super().__init__(value.isoformat() if isinstance(value, date) else str(value))

    def text(self, lang: str = "en", domain: str = "messages") -> str:
        return day(self.msgid, lang)


class MessageError(Exception):
    """An error whose message is translated where it is shown: `str(error)` is English,
    `error.text(lang)` the language of the face; `error.message` the Message itself."""

    def __init__(self, message: str | Message, /, **params: object) -> None:
        self.message = message if isinstance(message, Message) else Message(message, **params)
        super().__init__(self.message.text("en"))

    def text(self, lang: str) -> str:
        return self.message.text(lang)


def text(message: str | Message, lang: str) -> str:
    """A message in `lang`; plain text (already worded, e.g. a reason) is shown as is."""
    return message.text(lang) if isinstance(message, Message) else message


KEYWORDS: dict[str, object] = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "counted": (2, 3),
    "Message": None,
    "UseCaseError": None,
    "Forbidden": None,
    "PurposeRequired": None,
    "Unauthorized": None,
    "TokenExpired": None,
    "NotFound": None,
    "Conflict": None,
    "Unprocessable": None,
    "PreconditionFailed": None,
    "PreconditionRequired": None,
    "TooManyRequests": None,
    "UnknownPerson": None,
    "AmbiguousRecord": None,
    "EmptyDescription": None,
    "AmbiguousCase": None,
    "StoreError": None,
    "RecordFileError": None,
    "DateError": None,
    "FieldError": (3,),
    "NotEnoughDecisions": None,
    "InvalidDecision": None,
    "ReasonTooShort": None,
    "WildcardRefused": None,
    "AlreadyFound": None,
    "NoOrganisation": None,
    "AgeAndYearDisagree": None,
}
"""The calls whose first string argument (FieldError: third) is a message id, for
extraction (`python -m i18n.extract`, the catalogue test). A message raised or built
anywhere else must go through `N_` or `Message`."""
