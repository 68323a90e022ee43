"""The blocking keys of one record as strings (`matching.blocking` builds the same keys
for a whole population as integers, in `matching.block_arrays`).

The same string keys are stored for incremental matching, so a new record's
candidates come from an index, not a scan. The case keys of a record (`gv`,
`hv`) are computed from the records of its case given together (an import
holds whole cases); a record given alone is its own case. The index has no
one-sided lookup: looking up an `hv` key returns the whole block. New
records are then blocked again with their candidates only (whose cases are
not all there), so a pair that needs a candidate's case mates to share a key
is formed by batch linking, not yet by incremental matching.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from matching.block_arrays import BAND_DAYS, family_given_group, village_key
from matching.columns import Columns
from matching.values import FamilyValue, GivenValue, ParentValue


def _first_group(value: GivenValue | None) -> str | None:
    if value is None:
        return None
    if value.groups:
        return value.groups[0]
    return value.alias_groups[0] if value.alias_groups else None


def _all_groups(value: GivenValue | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(dict.fromkeys((*value.groups, *value.alias_groups)))


def _family(value: FamilyValue | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value.group,) if value.spouse_key is None else (value.group, "k:" + value.spouse_key)


def _parent(value: ParentValue | None) -> str | None:
    return value.given_groups[0] if value is not None and value.given_groups else None


@dataclass(frozen=True, slots=True)
class CaseContext:
    """What the records of one case hold together: their village keys and families."""

    villages: tuple[str, ...]
    families: tuple[str, ...]


def case_contexts(columns: Columns) -> tuple[np.ndarray, list[CaseContext]]:
    """Per row, the index of the context of its case (equal contexts share one index);
    a record without a case has the context of its own values."""

    def derive() -> tuple[np.ndarray, list[CaseContext]]:
        place_keys = _village_keys(columns)
        family_keys = [_family(v) for v in columns.vocab["family"].values]
        held: dict[int, tuple[dict[str, None], dict[str, None]]] = {}
        for row in range(len(columns)):
            case = int(columns.case[row])
            owner = case if case >= 0 else -1 - row
            villages, families = held.setdefault(owner, ({}, {}))
            place, family = int(columns.place[row]), int(columns.family[row])
            if place >= 0 and place_keys[place]:
                villages[place_keys[place]] = None
            if family >= 0:
                families.update(dict.fromkeys(family_keys[family]))
        codes: dict[CaseContext, int] = {}
        of_owner = {
            owner: codes.setdefault(CaseContext(tuple(v), tuple(f)), len(codes))
            for owner, (v, f) in held.items()
        }
        index = np.fromiter(
            (
                of_owner[int(c) if c >= 0 else -1 - row]
                for row, c in enumerate(columns.case.tolist())
            ),
            dtype=np.int64,
            count=len(columns),
        )
        return index, list(codes)

    return columns.derive("case_contexts", derive)


def _village_keys(columns: Columns) -> list[str | None]:
    """The village key of each place value."""
    return columns.derive(
        "village_keys", lambda: [village_key(v) for v in columns.vocab["place"].values]
    )


def _context(columns: Columns, row: int) -> CaseContext:
    index, contexts = case_contexts(columns)
    return contexts[int(index[row])]


def _prefix(value: GivenValue | None, family: FamilyValue | None) -> str | None:
    """The first three letters of the given and the family name keys, in either order."""
    if value is None or family is None or not value.keys:
        return None
    return "/".join(sorted((value.keys[0][:3], family.key[:3])))


def record_keys(columns: Columns, row: int) -> list[str]:
    """The blocking keys of one record, as strings (stored for incremental matching)."""
    return _own_keys(columns, row) + _case_keys(columns, row)


def _own_keys(columns: Columns, row: int) -> list[str]:
    """The keys read from the record alone."""
    given: GivenValue | None = columns.value("given", row)
    family: FamilyValue | None = columns.value("family", row)
    father: ParentValue | None = columns.value("father", row)
    mother: ParentValue | None = columns.value("mother", row)
    sex = int(columns.sex[row])
    keys: list[str] = []
    groups = _all_groups(given)
    families = _family(family)
    first = _first_group(given)
    for g in groups:
        keys.extend(f"gf:{g}|{f}" for f in families)
    earliest, latest = int(columns.birth_earliest[row]), int(columns.birth_latest[row])
    if first and earliest >= 0:
        middle = (earliest + latest) // 2
        keys.append(f"gb:{first}|{sex}|{middle // BAND_DAYS}")
        keys.append(f"gb2:{first}|{sex}|{(middle + BAND_DAYS // 2) // BAND_DAYS}")
    father_group, mother_group = _parent(father), _parent(mother)
    for f in families:
        if father_group:
            keys.append(f"ff:{f}|{father_group}")
        if mother_group:
            keys.append(f"fm:{f}|{mother_group}")
    if first and father_group:
        keys.append(f"gfa:{first}|{father_group}")
    if first and mother_group:
        keys.append(f"gmo:{first}|{mother_group}")
    place = int(columns.place[row])
    village = _village_keys(columns)[place] if place >= 0 else None
    if village:
        keys.extend(f"fv:{f}|{village}|{sex}" for f in families)
    prefix = _prefix(given, family)
    if prefix:
        keys.append(f"px:{prefix}|{sex}")
    if first and not families:
        keys.append(f"g:{first}|{sex}")
    if families and earliest >= 0:
        middle = (earliest + latest) // 2
        keys.extend(f"fb:{f}|{sex}|{middle // BAND_DAYS}" for f in families)
    return keys


def _case_keys(columns: Columns, row: int) -> list[str]:
    """The keys read from the record with the villages and families of its case."""
    family: FamilyValue | None = columns.value("family", row)
    groups = _all_groups(columns.value("given", row))
    swapped = family_given_group(family)
    named = (*groups, swapped) if swapped and swapped not in groups else groups
    sex = int(columns.sex[row])
    sexes = (sex,) if sex >= 0 else (0, 1)
    context = _context(columns, row)
    keys: list[str] = []
    for village in context.villages:
        keys.extend(f"gv:{g}|{village}" for g in named)
        for f in context.families:
            keys.extend(f"hv:{f}|{village}|{s}" for s in sexes)
    return keys


def all_record_keys(columns: Columns) -> list[list[str]]:
    """Keys of every record, computed once per distinct combination of coded values."""
    return list(iter_record_keys(columns))


KEY_CACHE = 100_000
"""Distinct records whose keys are remembered (for the records that repeat them) before
the memory is let go: a million records' keys need never be held at once."""


def iter_record_keys(columns: Columns) -> Iterator[list[str]]:
    """The keys of each record in row order, one at a time; the keys of records with
    the same coded values are worked out once (in the last `KEY_CACHE` distinct ones)."""
    own: dict[tuple[int, ...], list[str]] = {}
    of_case: dict[tuple[int, ...], list[str]] = {}
    middle = (columns.birth_earliest.astype(np.int64) + columns.birth_latest) // 2
    context, _ = case_contexts(columns)
    for row in range(len(columns)):
        given, family, sex = (
            int(columns.given[row]),
            int(columns.family[row]),
            int(columns.sex[row]),
        )
        signature = (
            given,
            family,
            int(columns.father[row]),
            int(columns.mother[row]),
            int(columns.place[row]),
            sex,
            (int(middle[row]) + BAND_DAYS // 2) // BAND_DAYS
            if columns.birth_earliest[row] >= 0
            else -1,
            int(middle[row]) // BAND_DAYS if columns.birth_earliest[row] >= 0 else -1,
        )
        keys = own.get(signature)
        if keys is None:
            if len(own) >= KEY_CACHE:
                own.clear()
            keys = own[signature] = _own_keys(columns, row)
        case_signature = (int(context[row]), given, family, sex)
        more = of_case.get(case_signature)
        if more is None:
            if len(of_case) >= KEY_CACHE:
                of_case.clear()
            more = of_case[case_signature] = _case_keys(columns, row)
        yield keys + more
