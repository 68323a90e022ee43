"""A sought person as a family describes it, as the record the engine compares.

A family tells a name in any spelling, an approximate age ("about 15", "12-13 ans",
"plus de 18 ans") or a birth year, the sex, a village or commune, the parents' names;
an age a family gives is an estimate and is widened as one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from models.ages import ESTIMATED_AGE_TOLERANCE_YEARS, AgeSpan, birth_interval, interval_from_age
from models.birthdates import BirthInterval, parse_birth_date
from service.errors import Conflict, UseCaseError

DESCRIBED = {
    "name": "full_name",
    "given": "given_names",
    "family": "family_name",
    "sex": "sex",
    "village": "origin_village",
    "commune": "origin_commune",
    "cercle": "origin_cercle",
    "region": "origin_region",
    "father": "father_name",
    "mother": "mother_name",
}
"""A sought person as the family describes it → the record fields it is compared on."""


class EmptyDescription(UseCaseError):
    """A tracing search needs a name: a search by place alone would list a village."""


def family_age(age: int, age_max: int | None, on: date) -> BirthInterval:
    """When someone a family says is `age` (or `age` to `age_max`: "12-13 ans", "plus de
    18 ans" up to 120) was born: a family's age is an estimate, widened as one."""
    if age_max is None or int(age_max) == age:
        return interval_from_age(age, on, estimated=True)
    low, high = sorted((age, int(age_max)))
    return birth_interval(AgeSpan(low, high, True, ESTIMATED_AGE_TOLERANCE_YEARS), on)


def description_of(sought: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """The record a family's description stands for: names, sex, origin, parents, and a
    birth interval from an approximate age ("about 15": estimated, widened) or year."""
    if not any(sought.get(k) for k in ("name", "given", "family")):
        raise EmptyDescription("describe the sought person by a name (given or family)")
    out = {field: sought[key] for key, field in DESCRIBED.items() if sought.get(key)}
    if out.get("sex"):
        out["sex"] = str(out["sex"]).upper()
    interval = None
    if sought.get("age") is not None or sought.get("age_max") is not None:
        youngest = int(sought["age"]) if sought.get("age") is not None else 0
        interval = family_age(youngest, sought.get("age_max"), today or date.today())
    if sought.get("birth_year"):
        year = parse_birth_date(f"vers {int(sought['birth_year'])}")
        interval = year if interval is None else _both(interval, year)
    if interval is not None:
        out.update(
            birth_earliest=interval.earliest,
            birth_latest=interval.latest,
            birth_precision=interval.precision.value,
        )
    return out


class AgeAndYearDisagree(Conflict):
    """A family's age and birth year of the sought person cannot both be right: the
    description contradicts itself (409, as a well-formed request the data refuses)."""


def _both(age: BirthInterval, year: BirthInterval) -> BirthInterval:
    """Where an approximate age and an approximate birth year agree (both estimates, each
    widened as one); refused when they cannot both be right."""
    earliest, latest = max(age.earliest, year.earliest), min(age.latest, year.latest)
    if earliest > latest:
        raise AgeAndYearDisagree(
            "the age and the birth year given cannot both be right: give the one the family "
            "is surest of"
        )
    return BirthInterval(earliest, latest, age.precision)
