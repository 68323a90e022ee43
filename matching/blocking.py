"""Blocking: several keys per record, so that true pairs share at least one.

Keys combine variant groups (a given-name group such as Muhammad, a clan
group such as Coulibaly/Kulibali) with a second, independent field: birth
band, place, a parent's name, sex. A record with a name and an age only
still gets the name and name+birth keys. Birth bands come in two tilings
offset by half a band, so two records born up to half a band apart always
share one. Blocks larger than `max_block` prove nothing and explode into
millions of pairs: they are dropped and counted (the other keys of their
records still apply). Pairs within one case are never formed: one person
appears once in a case.

The same string keys are stored for incremental matching, so a new record's
candidates come from an index, not a scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matching.columns import Columns, FamilyValue, GivenValue, ParentValue, PlaceValue

BAND_DAYS = 5 * 365
MAX_BLOCK = 300
KIND_MAX_BLOCK = {"gb": 40, "gb2": 40, "fb": 40, "g": 60, "px": 120}
"""Keys made of a very common name and a birth band are kept only while small."""


@dataclass(frozen=True, slots=True)
class BlockingStats:
    keys: int
    blocks: int
    dropped_blocks: int
    dropped_records: int
    pairs: int


def block_cap(key: str, max_block: int = MAX_BLOCK) -> int:
    """The largest block a key may form before it proves nothing (batch and index alike)."""
    return min(KIND_MAX_BLOCK.get(key.split(":", 1)[0], max_block), max_block)


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


def _village(value: PlaceValue | None) -> str | None:
    return value.village if value is not None else None


def _prefix(value: GivenValue | None, family: FamilyValue | None) -> str | None:
    if value is None or family is None or not value.keys:
        return None
    return value.keys[0][:3] + "/" + family.key[:3]


def record_keys(columns: Columns, row: int) -> list[str]:
    """The blocking keys of one record, as strings (stored for incremental matching)."""
    given: GivenValue | None = columns.value("given", row)
    family: FamilyValue | None = columns.value("family", row)
    father: ParentValue | None = columns.value("father", row)
    mother: ParentValue | None = columns.value("mother", row)
    place: PlaceValue | None = columns.value("place", row)
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
    village = _village(place)
    if village:
        if first:
            keys.append(f"gv:{first}|{village}")
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


def all_record_keys(columns: Columns) -> list[list[str]]:
    """Keys of every record, computed once per distinct combination of coded values."""
    cache: dict[tuple[int, ...], list[str]] = {}
    out: list[list[str]] = []
    middle = (columns.birth_earliest.astype(np.int64) + columns.birth_latest) // 2
    for row in range(len(columns)):
        signature = (
            int(columns.given[row]),
            int(columns.family[row]),
            int(columns.father[row]),
            int(columns.mother[row]),
            int(columns.place[row]),
            int(columns.sex[row]),
            (int(middle[row]) + BAND_DAYS // 2) // BAND_DAYS
            if columns.birth_earliest[row] >= 0
            else -1,
            int(middle[row]) // BAND_DAYS if columns.birth_earliest[row] >= 0 else -1,
        )
        keys = cache.get(signature)
        if keys is None:
            keys = cache[signature] = record_keys(columns, row)
        out.append(keys)
    return out


def candidate_pairs(
    columns: Columns,
    keys: list[list[str]] | None = None,
    max_block: int = MAX_BLOCK,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, BlockingStats]:
    """Unique pairs (a < b) sharing a key, never two rows of the same case."""
    keys = all_record_keys(columns) if keys is None else keys
    codes: dict[str, int] = {}
    caps: list[int] = []
    rows: list[int] = []
    key_codes: list[int] = []
    for row, record_keys_ in enumerate(keys):
        for key in record_keys_:
            code = codes.get(key)
            if code is None:
                code = codes[key] = len(codes)
                caps.append(block_cap(key, max_block))
            rows.append(row)
            key_codes.append(code)
    row_array = np.asarray(rows, dtype=np.int64)
    key_array = np.asarray(key_codes, dtype=np.int64)
    order = np.lexsort((row_array, key_array))
    row_array, key_array = row_array[order], key_array[order]
    starts = np.flatnonzero(np.r_[True, key_array[1:] != key_array[:-1]])
    sizes = np.diff(np.r_[starts, len(key_array)])
    firsts: list[np.ndarray] = []
    seconds: list[np.ndarray] = []
    dropped = sizes > np.asarray(caps, dtype=np.int64)[key_array[starts]]
    dropped_records = int(sizes[dropped].sum())
    triangles: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for start, size in zip(
        starts[(sizes >= 2) & ~dropped], sizes[(sizes >= 2) & ~dropped], strict=True
    ):
        tri = triangles.get(int(size))
        if tri is None:
            tri = triangles[int(size)] = np.triu_indices(int(size), k=1)
        members = row_array[start : start + size]
        firsts.append(members[tri[0]])
        seconds.append(members[tri[1]])
    if on_progress is not None:
        on_progress(len(columns))
    if not firsts:
        empty = np.empty(0, dtype=np.int64)
        return (
            empty,
            empty,
            BlockingStats(len(codes), len(starts), int(dropped.sum()), dropped_records, 0),
        )
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    n = np.int64(len(columns))
    combined = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    a, b = combined // n, combined % n
    case_a, case_b = columns.case[a], columns.case[b]
    keep = (a != b) & ~((case_a >= 0) & (case_a == case_b))
    a, b = a[keep], b[keep]
    stats = BlockingStats(len(codes), len(starts), int(dropped.sum()), dropped_records, len(a))
    return a, b, stats
