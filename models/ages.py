"""Ages as the field writes them: one age, a range, a bound, or a word.

A household listing or a family says "12-13 ans", "entre 12 et 14 ans", "plus de 18
ans", "18+", "moins de 5 ans", "mineure". Each is an `AgeSpan`, and a span on a
registration date is a birth interval (`birth_interval`) as one age is.

- `15`, `15 ans`, `quinze`: one age, 15 ± 1 year (`interval_from_age`); `~15`,
  `environ 15 ans`: estimated, 15 ± 3 years;
- `12-13 ans`, `12 à 13`, `12 ou 13 ans`, `entre 12 et 14 ans`: a range, ± 1 year
  (± 3 when marked estimated);
- `plus de 18 ans`, `18 ans et plus`, `18+`, `+18`, `> 18`, `au moins 18 ans`,
  `adulte`, `majeure`: 18 or more (up to 120);
- `moins de 5 ans`, `< 5`: under 5; `mineur(e)`, `enfant`: under 18.

A bound said in words ("plus de 18 ans", "mineure") is a statement, not an estimate:
no tolerance widens it, so that "plus de 18 ans" is never read as a possible minor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from models.birthdates import BirthInterval, DateError, Precision, _fold
from models.frenchnumbers import parse_french_number

AGE_TOLERANCE_YEARS = 1
ESTIMATED_AGE_TOLERANCE_YEARS = 3
_AGE_MARKS = re.compile(
    r"(~|±|\?|\benv(?:iron\b|\.|\b)|\bestim[ée]e?\)?|\(|\)|(?:\b|(?<=\d))ans?\b|\bapprox\.?"
    r"|\bvers\b)"
)
_YEARS_AND_MONTHS = re.compile(r"^(\d+)\s*ans?\s+(?:et\s+)?\d+\s*mois$")
"""`1 an et 6 mois`: the completed years."""


@lru_cache(maxsize=4096)
def parse_age(value: str) -> tuple[int, bool]:
    """`15` → (15, False); `~15`, `± 15`, `15?`, `15+`, `environ 15 ans`, `env. 15 ans`,
    `15 (estimé)` → (15, True); `15.0` and `15,5` (a spreadsheet's number, the completed
    years), `quinze`, `douze ans` in words; `6 mois` → (0, False); `1 an et 6 mois` → 1."""
    text = _fold(value)
    estimated = bool(re.search(r"~|±|\?|\+|env|estim|approx|\bvers\b", text))
    if match := _YEARS_AND_MONTHS.match(text):
        text = match.group(1)
    months = re.search(r"\bmois\b", text) is not None
    words = re.sub(r"\bmois\b|\+", " ", _AGE_MARKS.sub(" ", text)).strip()
    words = re.sub(r"^(\d+)[.,]\d+$", r"\1", words)
    number = int(words) if words.isdigit() else parse_french_number(words)
    if number is None:
        raise DateError('cannot read age "{value}"', value=value)
    age = number // 12 if months else number
    if age > 120:
        raise DateError('cannot read age "{value}": over 120', value=value)
    return age, estimated


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


@lru_cache(maxsize=65_536)
def interval_from_age(age: int, on: date, estimated: bool = False) -> BirthInterval:
    """Someone aged `age` on `on` was born in (on - age - 1 years, on - age years]."""
    tolerance = ESTIMATED_AGE_TOLERANCE_YEARS if estimated else AGE_TOLERANCE_YEARS
    earliest = _years_before(on, age + 1 + tolerance) + timedelta(days=1)
    latest = min(_years_before(on, max(age - tolerance, 0)), on)
    precision = Precision.AGE_ESTIMATED if estimated else Precision.AGE
    return BirthInterval(earliest, latest, precision)


MAX_AGE = 120
ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class AgeSpan:
    """Ages from `low` to `high` years, both included (`high` None: no upper bound)."""

    low: int
    high: int | None
    estimated: bool = False
    tolerance: int = AGE_TOLERANCE_YEARS
    """Years each end is widened by: none for a bound stated in words."""

    @property
    def single(self) -> int | None:
        """The age when one was written (what a record's `age` holds), else None."""
        return self.low if self.high == self.low else None

    @property
    def sought(self) -> tuple[int, int | None]:
        """A tracing search's `age` and `age_max`: one age alone, else the youngest and
        the oldest (up to 120)."""
        if self.single is not None:
            return self.single, None
        return self.low, MAX_AGE if self.high is None else self.high


_ESTIMATED = re.compile(r"~|±|\?|\benv\b|\benv\.|\benviron\b|estim|approx|\bvers\b")
_NOISE = re.compile(
    r"~|±|\?|\benv(?:iron)?\b\.?|\(?estim[a-z]*\)?|\bapprox\.?|\bvers\b|(?:\b|(?<=\d))ans?\b"
    r"|\bmois\b|\s+"
)
_NUMBER = r"(\d+|[a-z][a-z\s-]*?)"
_RANGE = re.compile(rf"^(?:entre\s*)?{_NUMBER}\s*(?:-|–|/|\ba\b|\bou\b|\bet\b)\s*{_NUMBER}$")
_AT_LEAST = (
    re.compile(rf"^(?:plus\s*de|\+\s*de|au\s*moins|superieur\s*a|>=?|≥|\+)\s*{_NUMBER}$"),
    re.compile(rf"^{_NUMBER}\s*(?:et\s*plus|ou\s*plus|et\s*\+|\+)$"),
)
_UNDER = re.compile(rf"^(?:moins\s*d[e']?|-\s*de|inferieur\s*a|<|-|sous)\s*{_NUMBER}$")
"""`moins de 5 ans`, `< 5`, and `-18` as forms tick it: under 18."""
_WORDS = {
    "mineur": (0, ADULT_AGE - 1),
    "mineure": (0, ADULT_AGE - 1),
    "enfant": (0, ADULT_AGE - 1),
    "majeur": (ADULT_AGE, None),
    "majeure": (ADULT_AGE, None),
    "adulte": (ADULT_AGE, None),
    "nouveaune": (0, 0),
    "nouveaunee": (0, 0),
    "nourrisson": (0, 1),
    "bebe": (0, 1),
}


def _number(text: str, value: str) -> int:
    text = text.strip()
    number = int(text) if text.isdigit() else parse_french_number(text.replace("-", " "))
    if number is None or number > MAX_AGE * 12:
        raise DateError('cannot read age "{value}"', value=value)
    return number


_MULTIPLIERS = frozenset({"vingt", "vingts", "cent", "cents"})


def _two_numbers(bare: str, value: str) -> tuple[int, int] | None:
    """ "douze-treize", "dix douze", "12 13": two ages side by side, the smaller first, are
    a range; "vingt-deux", "dix-sept", "quatre-vingt" are one number."""
    parts = re.split(r"[\s-]+", bare)
    if len(parts) != 2 or parts[1] in _MULTIPLIERS:
        return None
    try:
        low, high = (_number(part, value) for part in parts)
    except DateError:
        return None
    return (low, high) if low < high <= MAX_AGE else None


@lru_cache(maxsize=4096)
def read_age(value: str) -> AgeSpan:
    """An age cell as written (see the module's table); DateError when unreadable."""
    text = _fold(value)
    if (words := _WORDS.get(re.sub(r"[^a-z]", "", text))) is not None:
        return AgeSpan(words[0], words[1], tolerance=0)
    estimated = bool(_ESTIMATED.search(text))
    months = re.search(r"\bmois\b", text) is not None
    bare = re.sub(r"\s+", " ", _NOISE.sub(" ", text)).strip()
    tolerance = ESTIMATED_AGE_TOLERANCE_YEARS if estimated else AGE_TOLERANCE_YEARS

    def years(found: str) -> int:
        number = _number(found, value)
        return number // 12 if months else number

    for pattern in _AT_LEAST:
        if match := pattern.match(bare):
            if (least := years(match.group(1))) > MAX_AGE:
                raise DateError('cannot read age "{value}": over 120', value=value)
            return AgeSpan(least, None, estimated, tolerance=0)
    if match := _UNDER.match(bare):
        below = _number(match.group(1), value)
        if below == 0:
            raise DateError('cannot read age "{value}"', value=value)
        under = -(-below // 12) if months else below
        return AgeSpan(0, under - 1, estimated, tolerance=0)
    if not months and (pair := _two_numbers(bare, value)) is not None:
        return AgeSpan(*pair, estimated, tolerance)
    try:
        age, marked = parse_age(value)
    except DateError:
        if not (match := _RANGE.match(bare)):
            raise
        low, high = sorted((years(match.group(1)), years(match.group(2))))
        if high > MAX_AGE:
            raise
        return AgeSpan(low, high, estimated, tolerance)
    return AgeSpan(age, age, marked, ESTIMATED_AGE_TOLERANCE_YEARS if marked else tolerance)


AGE_PRECISIONS = frozenset({Precision.AGE.value, Precision.AGE_ESTIMATED.value})
"""Birth precisions of an interval counted back from an age."""


def recounted(age: int | None, estimated: bool, written: str | None, on: date) -> BirthInterval:
    """The birth interval of a record's age counted from `on`: its range as written
    (`age_raw`, "12-13 ans"), else its one age."""
    if written:
        try:
            return birth_interval(read_age(written), on)
        except DateError:
            pass
    if age is None:
        raise DateError("no age to count from {on}", on=on)
    return interval_from_age(age, on, estimated)


def birth_interval(span: AgeSpan, on: date) -> BirthInterval:
    """When someone of `span` on `on` was born: from the day after they would have been
    `high + 1` (120 when unbounded) to the day they turned `low`, each end widened by the
    span's tolerance."""
    if span.single is not None:
        return interval_from_age(span.single, on, span.estimated)
    oldest = (MAX_AGE if span.high is None else span.high) + 1 + span.tolerance
    earliest = _years_before(on, oldest) + timedelta(days=1)
    latest = min(_years_before(on, max(span.low - span.tolerance, 0)), on)
    return BirthInterval(earliest, latest, Precision.AGE_ESTIMATED)
