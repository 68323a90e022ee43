"""Birth dates as intervals.

Malian records rarely carry an exact birth date: many births are registered
years later by a *jugement supplétif*, forms write `vers 1995`, placeholders
such as 01/01 stand for "year only", and household listings give an age.
Every accepted form becomes a `BirthInterval(earliest, latest, precision)`
so that matching compares intervals, never strings.

| written | precision | interval |
| --- | --- | --- |
| `1995-03-12`, `12/03/1995`, `douze mars mil neuf cent quatre-vingt-quinze` | day | that day |
| `01/01/1995`, `31/12/1995` (probable placeholders) | year | 1995, flagged |
| `1995-03`, `mars 1995` | month | that month |
| `1995`, `00/00/1995`, `1995-00-00`, `née en 1995` | year | that year |
| `00/03/1995`, `1995-03-00` | month | that month |
| `vers 1995`, `née vers 1995`, `1995 (estimé)` | approx | 1993-01-01 .. 1997-12-31 |
| `2004-2006`, `2004/2006`, `entre 2004 et 2006` | approx | 2004-01-01 .. 2006-12-31 |
| `début 2005`, `mi-2005`, `fin 2005` | year | its first, middle or last six months |
| `12/03/08` (two-digit year) | day | 2008-03-12 (a year after this one: 1908; `00/01/00` none) |
| `39500` (Excel's serial number of a day, from 1960) | day | 2008-02-22 |
| age 15 on 2021-06-01 | age | 15 years ± 1 |
| age `15?`, `~15`, `environ 15`, `15 (estimé)` | age_estimated | 15 years ± 3 |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from i18n import N_, MessageError
from models.fieldwords import UNACCENTED
from models.frenchnumbers import parse_french_number

APPROX_YEARS = 2
PLACEHOLDER_DAYS = frozenset({(1, 1), (31, 12)})
CANNOT_READ = N_('cannot read "{value}"')

FIELD_MONTH_FORMS = {"fev": 2}
"""Short forms the field writes that CLDR's month names do not hold (`fév 2001`)."""


@lru_cache(maxsize=1)
def month_names() -> dict[str, int]:
    """Month names and abbreviations of French and English as CLDR (Babel) spells them,
    folded like the dates they are looked for in, then the field's own short forms;
    longest first, so that `mars` is tried before `mar`."""
    from babel.dates import get_month_names

    names: dict[str, int] = {}
    for locale in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for month, name in get_month_names(width, "format", locale).items():
                names.setdefault(_fold(name).rstrip("."), month)
    for name, month in FIELD_MONTH_FORMS.items():
        names.setdefault(name, month)
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


_WORD_SEPARATOR = re.compile(r"(?<=[a-z0-9])[-/](?=[a-z0-9])")


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    APPROX = "approx"
    AGE = "age"
    AGE_ESTIMATED = "age_estimated"


@dataclass(frozen=True, slots=True)
class BirthInterval:
    earliest: date
    latest: date
    precision: Precision
    placeholder: bool = False

    @property
    def midpoint_year(self) -> float:
        middle = self.earliest + (self.latest - self.earliest) / 2
        return middle.year + (middle.timetuple().tm_yday - 1) / 365.25


class DateError(MessageError, ValueError):
    """A date that cannot be read; the message quotes the value."""


_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_UNKNOWN_DM = re.compile(r"^(?:0{1,2}|x{1,2}|\?{1,2})[/.\-](?:0{1,2}|x{1,2}|\?{1,2})[/.\-](\d{4})$")
_APPROX = re.compile(
    r"^(?:n[ée](?:e|\(e\))?\s+)?(?:vers|environ|env\.?|autour\s+de)\s+(?:l'an\s+|l’an\s+)?(.+)$"
    r"|^(\d{4})\s*(?:\?|\(?(?:estimee?|approx\.?|environ|env\.?)\)?)$"
)
_YEAR_RANGE = re.compile(r"^(?:entre\s+)?(\d{4})\s*(?:-|/|a|au|et|ou)\s*(\d{4})$")
"""`2004-2006`, `entre 2004 et 2006`, `2004 ou 2005`: born in one of those years."""
MAX_RANGE_YEARS = 10
"""The most years a range may cover (`2000-2009`): a wider one says nothing of an age."""
_PART_OF_YEAR = re.compile(r"^(debut|mi|milieu|fin|courant)(?:\s+|-)(?:de\s+|d')?(\d{4})$")
_PARTS_OF_YEAR = {
    "debut": (1, 6),
    "mi": (4, 9),
    "milieu": (4, 9),
    "fin": (7, 12),
    "courant": (1, 12),
}
"""`début 2005`, `mi-2005`, `fin 2005`: the months of the year they cover."""
_DMY_SHORT = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})$")
"""`12/03/08`: Excel's short date in French, the year in two digits."""
_SERIAL = re.compile(r"^(\d{5})(?:[.,]0+)?$")
"""`39500`: a day as Excel counts it (from 1899-12-30), a date cell exported as a number."""
EXCEL_EPOCH = date(1899, 12, 30)
_LE = re.compile(r"^(?:n[ée](?:e|\(e\))?\s+)?le\s+(?=\d)")
"""`le 15/08/2015`, `né le 15/08/2013`: the date after it."""
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_TIME = re.compile(
    r"^(.*\d)[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2}|\s*[ap]m)?$"
)
"""A date exported with its time (Excel, KoboToolbox, ODK Briefcase): `2001-03-12 00:00:00`,
`Mar 12, 2001 12:00:00 AM`."""
_DAY_COMMA_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
"""What follows the month in an English month-first date: `Mar 12, 2001` (ODK Briefcase's
export), `March 12th, 2001`."""
UNKNOWN_MARKS = frozenset(
    {
        "inconnu",
        "inconnue",
        "non connu",
        "non connue",
        "nd",
        "n/d",
        "n.d.",
        "nsp",
        "ne sait pas",
        "na",
        "n/a",
        "unknown",
        "?",
        "??",
        "-",
        "--",
        "x",
        "xx",
    }
)
"""What field teams write for "not known": no date, not an error."""
_IN_YEAR = re.compile(r"^(?:n[ée](?:e|\(e\))?\s+)?en\s+(?=\d{4}$)")
"""`née en 2006`, `en 2006`: the year."""


def _fold(text: str) -> str:
    return text.strip().lower().translate(UNACCENTED)


def _full_year(two_digits: int) -> int:
    """`08` is 2008, `95` 1995: no year after this one."""
    year = 2000 + two_digits
    return year if year <= date.today().year else year - 100


EARLIEST_SERIAL_DAY = date(1960, 1, 1)
"""Excel's serial numbers are read from this day on (21916): five digits below it are
more often a year typed with one too many (`20005`, `19995` would be days of 1954)."""


def _serial_day(serial: int, value: str) -> date:
    """The day Excel numbers `serial`, refused outside 1960 to next year."""
    day = EXCEL_EPOCH + timedelta(days=serial)
    if not EARLIEST_SERIAL_DAY <= day <= date(date.today().year + 1, 12, 31):
        raise DateError(CANNOT_READ, value=value)
    return day


def _year_in_range(year: int, value: str) -> int:
    if not 1880 <= year <= 2100:
        raise DateError('cannot read "{value}": year {year} out of range', value=value, year=year)
    return year


def _day(year: int, month: int, day: int, value: str) -> date:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        raise DateError(CANNOT_READ, value=value) from None


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _month_interval(year: int, month: int, value: str) -> BirthInterval:
    if not 1 <= month <= 12:
        raise DateError(CANNOT_READ, value=value)
    year = _year_in_range(year, value)
    return BirthInterval(date(year, month, 1), _month_end(year, month), Precision.MONTH)


def _day_or_wider(year: int, month: int, day: int, value: str) -> BirthInterval:
    """A day written with zeros for what is not known: `00/05/2006` is May 2006,
    `2006-00-00` the year 2006, as `00/00/2006` is."""
    if month == 0 and day == 0:
        return _year_interval(year)
    if day == 0:
        return _month_interval(year, month, value)
    return _exact_day(_day(year, month, day, value))


def _exact_day(d: date) -> BirthInterval:
    if (d.day, d.month) in PLACEHOLDER_DAYS:
        return BirthInterval(date(d.year, 1, 1), date(d.year, 12, 31), Precision.YEAR, True)
    return BirthInterval(d, d, Precision.DAY)


def _year_interval(year: int, precision: Precision = Precision.YEAR) -> BirthInterval:
    return BirthInterval(date(year, 1, 1), date(year, 12, 31), precision)


def _words_date(text: str, value: str) -> BirthInterval | None:
    """`12 mars 1995`, `mars 1995`, `douze mars mil neuf cent quatre-vingt-quinze`,
    `12-Mar-2005`, `Mar 12, 2005`."""
    found = _words_parts(text, value)
    if found is None:
        return None
    year, month, day = found
    if day is None:
        return BirthInterval(date(year, month, 1), _month_end(year, month), Precision.MONTH)
    return _exact_day(_day(year, month, day, value))


def _words_parts(text: str, value: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) of a date written with its month in words."""
    if re.search(r"\d[-/][a-z]", text):
        text = _WORD_SEPARATOR.sub(" ", text)
    for name, month in month_names().items():
        match = re.search(rf"\b{name}(?:\.|\b)", text)
        if not match:
            continue
        before, after = text[: match.start()].strip(), text[match.end() :].strip()
        if not before and (month_first := _DAY_COMMA_YEAR.match(after)):
            day, year = (int(g) for g in month_first.groups())
            return _year_in_range(year, value), month, day
        year = _year_from(after, value)
        if year is None:
            return None
        if not before:
            return year, month, None
        before = before.removeprefix("le ")
        if before in ("1er", "premier"):
            before = "1"
        day = int(before) if before.isdigit() else parse_french_number(before)
        return None if day is None else (year, month, day)
    return None


def _year_from(text: str, value: str) -> int | None:
    if _YEAR.match(text):
        return _year_in_range(int(text), value)
    number = parse_french_number(text)
    return _year_in_range(number, value) if number is not None else None


def is_unknown(value: str) -> bool:
    """A cell that says the value is not known (`inconnu`, `ND`, `NSP`, `?`, ...)."""
    folded = _fold(value)
    return folded in UNKNOWN_MARKS or folded.rstrip(".") in UNKNOWN_MARKS


EARLIEST_BIRTH = date(1901, 1, 1)
"""A birth before this is no one's: Excel's empty date (`00/01/1900`, `01/01/1900`) or a
slip; read as it was, it made a girl a woman of 126."""


@lru_cache(maxsize=65_536)
def parse_birth_date(value: str) -> BirthInterval:
    """A birth date (`read_birth_date`), refused when it ends before `EARLIEST_BIRTH`."""
    interval = read_birth_date(value)
    if interval.latest < EARLIEST_BIRTH:
        raise DateError('cannot read "{value}": a birth before 1901', value=value)
    return interval


def read_birth_date(value: str) -> BirthInterval:
    """Read a birth date written in any form of the records contract, and the forms field
    exports add: a time after the date, `2001/03/12`, `03/2001`, `1er mars 2001`."""
    text = _LE.sub("", _fold(value))
    if not text:
        raise DateError("empty date")
    if match := _TIME.match(text):
        text = match.group(1)
    if match := _ISO_DAY.match(text) or _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
        return _day_or_wider(_year_in_range(year, value), month, day, value)
    if match := _MONTH_YEAR.match(text):
        month, year = (int(g) for g in match.groups())
        return _month_interval(year, month, value)
    if match := _UNKNOWN_DM.match(text):
        return _year_interval(_year_in_range(int(match.group(1)), value))
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return _day_or_wider(_year_in_range(year, value), month, day, value)
    if match := _DMY_SHORT.match(text):
        day, month, year = (int(g) for g in match.groups())
        if not day or not month:  # `00/01/00`: Excel's empty date, short
            raise DateError(CANNOT_READ, value=value)
        return _exact_day(_day(_full_year(year), month, day, value))
    if match := _SERIAL.match(text):
        return _exact_day(_serial_day(int(match.group(1)), value))
    if match := _YEAR_RANGE.match(text):
        first, last = (_year_in_range(int(g), value) for g in match.groups())
        if not 0 < last - first < MAX_RANGE_YEARS:
            raise DateError(CANNOT_READ, value=value)
        return BirthInterval(date(first, 1, 1), date(last, 12, 31), Precision.APPROX)
    if match := _PART_OF_YEAR.match(text):
        year = _year_in_range(int(match.group(2)), value)
        first, last = _PARTS_OF_YEAR[match.group(1)]
        return BirthInterval(date(year, first, 1), _month_end(year, last), Precision.YEAR)
    if match := _ISO_MONTH.match(text):
        year, month = (int(g) for g in match.groups())
        return _month_interval(year, month, value)
    if match := _APPROX.match(text):
        year = _year_from((match.group(1) or match.group(2)).strip(), value)
        if year is None:
            raise DateError(CANNOT_READ, value=value)
        return BirthInterval(
            date(year - APPROX_YEARS, 1, 1), date(year + APPROX_YEARS, 12, 31), Precision.APPROX
        )
    year = _year_from(_IN_YEAR.sub("", text), value)
    if year is not None:
        return _year_interval(year)
    interval = _words_date(text, value)
    if interval is None:
        raise DateError(CANNOT_READ, value=value)
    return interval


@lru_cache(maxsize=65_536)
def parse_plain_date(value: str) -> date:
    """A registration date: `YYYY-MM-DD`, `YYYY/MM/DD`, `dd/mm/yyyy`, `dd/mm/yy`, Excel's
    serial number of a day or a day in words (`15 août 2015`; a time after it and a `le`
    before it are dropped), nothing vaguer."""
    text = _LE.sub("", _fold(value))
    if match := _TIME.match(text):
        text = match.group(1)
    if match := _ISO_DAY.match(text) or _YMD.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif match := _DMY_SHORT.match(text):
        day, month, year = (int(g) for g in match.groups())
        year = 2000 + year  # a file registered this century; one ahead is said to be
    elif match := _SERIAL.match(text):
        return _serial_day(int(match.group(1)), value)
    elif (words := _words_parts(text, value)) is not None and words[2] is not None:
        year, month, day = words
    else:
        raise DateError(CANNOT_READ, value=value)
    return _day(_year_in_range(year, value), month, day, value)
