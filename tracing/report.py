"""Counting people, not files: what the MRN publishes, counted on persons (entities; a
record not linked yet is a person of its own), with how many of them are uncertain (a
record in a suggestion still under review, or not linked yet), how much the count of
files overstates the count of people, and cells under `SMALLEST_CELL` persons
suppressed (a small cell names a person in a village).

A person counts once per value of a dimension: once per organisation that recorded it,
per role and per case type it appears in (so those columns may sum to more than the
persons); once in one region (the one most of its records give, as the gazetteer names
it, or the one region its village lies in: `matching.regions.region_of`), one sex, one age group
(at its first registration), one year (of its first registration) and one naming group.
A suspect is never counted: the report is about the people the MRN assists and the
families who look for them.

The naming group is the group a family name is most typical of (`matching.variants`),
or the patronymic tradition (`Ag`/`Walet`: Tamasheq, `Ould`/`Mint`/`Bint`: Moorish):
a name, not an ethnicity, and "unknown" when the name says nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from matching.regions import region_of
from matching.text import fold
from matching.variants import ethnic_groups_of
from tracing.flags import ASSISTED_ROLES, flags_of
from tracing.persons import Profile, TracingRecord

__all__ = ["DIMENSIONS", "SMALLEST_CELL", "Summary", "summarise"]

SMALLEST_CELL = 5
DIMENSIONS = (
    "role",
    "organisation",
    "case_type",
    "region",
    "sex",
    "age_group",
    "year",
    "naming_group",
)
AGE_GROUPS = ((0, 11, "0-11"), (12, 17, "12-17"), (18, 24, "18-24"), (25, 59, "25-59"))
PATRONYM_GROUPS = {"ag": "tamasheq", "walet": "tamasheq", "welet": "tamasheq"} | {
    "ould": "moorish",
    "mint": "moorish",
    "bint": "moorish",
}
UNKNOWN = "unknown"
PER_RECORD: dict[str, Callable[[TracingRecord], str]] = {
    "role": lambda r: r.role or UNKNOWN,
    "organisation": lambda r: r.source,
    "case_type": lambda r: r.case_type or UNKNOWN,
}
"""The dimensions a person may count under several values of, one per record."""


@dataclass(frozen=True, slots=True)
class Summary:
    persons: int
    records: int
    uncertain: int
    outcomes: dict[str, int | None]
    by: dict[str, list[dict]]

    def as_dict(self) -> dict:
        """The published counts: a total under `SMALLEST_CELL` persons, and an uncertain
        count under it, are suppressed (None) like any cell."""
        small = 0 < self.persons < SMALLEST_CELL
        return {
            "persons": None if small else self.persons,
            "records": None if small else self.records,
            "files_per_person": (
                round(self.records / self.persons, 3) if self.persons and not small else None
            ),
            "uncertain": None if small or 0 < self.uncertain < SMALLEST_CELL else self.uncertain,
            "smallest_cell": SMALLEST_CELL,
            "outcomes": self.outcomes,
            "by": self.by,
        }


def naming_group(p: Profile) -> str:
    for record in p.records:
        words = fold(record.full_name or record.family_name or "").split()
        for word in words:
            if word in PATRONYM_GROUPS:
                return PATRONYM_GROUPS[word]
    for parts in p.names:
        for family in parts.family:
            groups = ethnic_groups_of(family)
            if groups:
                return groups[0]
    return UNKNOWN


def _most_common(values: Iterable[str | None]) -> str:
    """The value given most often; of equally frequent ones, the first given."""
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else UNKNOWN


def _first_registered(p: Profile):
    days = [r.registered_on for r in p.records if r.registered_on]
    return min(days) if days else None


def age_group(p: Profile) -> str:
    first = _first_registered(p)
    if p.birth_year is None or first is None:
        return UNKNOWN
    age = first.year - p.birth_year
    for low, high, label in AGE_GROUPS:
        if low <= age < high + 1:
            return label
    return "60+" if age >= 60 else UNKNOWN


def values_of(p: Profile) -> dict[str, set[str]]:
    """The value(s) a person counts under, per dimension."""
    first = _first_registered(p)
    region = _most_common(
        region_of(r.origin_village, r.origin_commune, r.origin_cercle, r.origin_region)
        for r in p.in_file_order()
    )
    return {
        **{d: {value(r) for r in p.records} for d, value in PER_RECORD.items()},
        "region": {region},
        "sex": {p.sex or UNKNOWN},
        "age_group": {age_group(p)},
        "year": {str(first.year) if first else UNKNOWN},
        "naming_group": {naming_group(p)},
    }


def _cells(found: dict[str, list[int]]) -> list[dict]:
    """The cells of one dimension: visible ones largest first, then the suppressed ones in
    alphabetical order (their place must not tell their size). A cell under
    `SMALLEST_CELL` persons is suppressed, and then the next smallest too, until the
    suppressed ones hold at least that many together: else the total minus the visible
    cells gives them back. An uncertain count under it is suppressed in any cell."""
    ordered = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))
    hidden = {value for value, (persons, _, _) in ordered if persons < SMALLEST_CELL}
    visible = [value for value, _ in ordered if value not in hidden]
    while hidden and visible and sum(found[v][0] for v in hidden) < SMALLEST_CELL:
        hidden.add(visible.pop())

    def cell(value: str) -> dict:
        persons, records, uncertain = found[value]
        small = value in hidden
        return {
            "value": value,
            "persons": None if small else persons,
            "records": None if small else records,
            "uncertain": None if small or 0 < uncertain < SMALLEST_CELL else uncertain,
            "suppressed": small,
        }

    return [cell(v) for v in visible] + [cell(v) for v in sorted(hidden)]


def _outcomes(people: list[Profile]) -> dict[str, int | None]:
    counts = {
        "assisted": sum(1 for p in people if p.roles & ASSISTED_ROLES),
        "returned": sum(1 for p in people if any(r.case_type == "return" for r in p.records)),
        "traced": sum(
            1
            for p in people
            if "sought" in p.roles and any(r.case_type != "tracing_request" for r in p.records)
        ),
        "possibly_retrafficked": sum(
            1 for p in people if any(f.flag == "possible_retrafficking" for f in flags_of(p))
        ),
    }
    return {k: (v if v >= SMALLEST_CELL or v == 0 else None) for k, v in counts.items()}


def summarise(profiles: dict[str, Profile], uncertain: set[str]) -> Summary:
    """The counts of these persons; ``uncertain``: the persons still under review."""
    people = [p for p in profiles.values() if not p.is_suspect]
    cells: dict[str, dict[str, list[int]]] = {d: {} for d in DIMENSIONS}
    for p in people:
        doubtful = int(p.person in uncertain)
        for dimension, values in values_of(p).items():
            for value in values:
                cell = cells[dimension].setdefault(value, [0, 0, 0])
                cell[0] += 1
                of_record = PER_RECORD.get(dimension)
                cell[1] += sum(1 for r in p.records if of_record is None or of_record(r) == value)
                cell[2] += doubtful
    by = {dimension: _cells(found) for dimension, found in cells.items()}
    return Summary(
        persons=len(people),
        records=sum(len(p.records) for p in people),
        uncertain=sum(1 for p in people if p.person in uncertain),
        outcomes=_outcomes(people),
        by=by,
    )
