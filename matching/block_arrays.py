"""The blocking keys of `matching.record_keys.record_keys`, for a whole population, as integers.

The string keys are what the store indexes for incremental matching; a batch
run needs only which records share a key. Each key kind becomes integer
columns (row, key) built with numpy from small per-value tables (the groups
of each given name, the families of each family name, the village key of each
place), so no Python runs per record; two records share an integer key of a
kind exactly when they share the string key. The case keys (`gv`, `hv`) spread
each record's villages and families over the records of its case first
(`_case_spread`), then cross them with the record's own values (`_cross`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from matching.columns import Columns
from matching.compare.arrays import Codes, Sets, sets
from matching.place_text import fold_place_key, parse_place_text
from matching.values import FamilyValue, PlaceValue
from matching.variants import given_group

BAND_DAYS = 5 * 365


def village_key(value: PlaceValue | None) -> str | None:
    """The orthographic key of the village of a place (`Fansare`, `Fansarre` → `fansar`)."""
    if value is None or not value.village:
        return None
    return fold_place_key(parse_place_text(value.village, "village")[1]) or None


def family_given_group(value: FamilyValue | None) -> str | None:
    """The given-name group of a family name that is no known family name but a given
    name: the parts of a name written the wrong way round (family `Mariam`, given
    `Konaté`), or a parent's given name after the person's (`Hawa Modibo`)."""
    if value is None or not value.group.startswith("k:"):
        return None
    found = given_group(value.folded.split()[0])
    return found[0] if found else None


@dataclass
class KindKeys:
    """The keys of one kind: `rows[k]` holds key `keys[k]`."""

    kind: str
    rows: np.ndarray
    keys: np.ndarray


@dataclass
class _Tables:
    given_groups: Sets
    given_first: np.ndarray
    given_prefix: np.ndarray
    families: Sets
    family_given: np.ndarray
    family_prefix: np.ndarray
    parent_first: np.ndarray
    village: np.ndarray


def _tables(columns: Columns) -> _Tables:
    strings, prefixes, villages = Codes(), Codes(), Codes()
    given = columns.vocab["given"].values
    family = columns.vocab["family"].values
    groups = [dict.fromkeys((*v.groups, *v.alias_groups)) for v in given]
    first = [
        v.groups[0] if v.groups else (v.alias_groups[0] if v.alias_groups else None) for v in given
    ]
    return _Tables(
        given_groups=sets([[strings(g) for g in gs] for gs in groups]),
        given_first=np.array([strings(f) for f in first], dtype=np.int64).reshape(-1),
        given_prefix=np.array(
            [prefixes(v.keys[0][:3]) if v.keys else -1 for v in given], dtype=np.int64
        ).reshape(-1),
        families=sets(
            [
                [strings(v.group)]
                + ([strings("k:" + v.spouse_key)] if v.spouse_key is not None else [])
                for v in family
            ]
        ),
        family_given=np.array(
            [strings(family_given_group(v)) for v in family], dtype=np.int64
        ).reshape(-1),
        family_prefix=np.array([prefixes(v.key[:3]) for v in family], dtype=np.int64).reshape(-1),
        parent_first=np.array(
            [
                strings(v.given_groups[0]) if v.given_groups else -1
                for v in columns.vocab["parent"].values
            ],
            dtype=np.int64,
        ).reshape(-1),
        village=np.array(
            [villages(village_key(v)) for v in columns.vocab["place"].values], dtype=np.int64
        ).reshape(-1),
    )


def _per_row(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """table[code] per row, -1 where the row has no value."""
    if not len(table):
        return np.full(len(codes), -1, dtype=np.int64)
    return np.where(codes >= 0, table[np.maximum(codes, 0)], -1)


def _explode(codes: np.ndarray, s: Sets, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, element) for every element of the set of each of `rows`, in set order."""
    value = codes[rows]
    known = value >= 0
    rows, value = rows[known], value[known]
    lengths = s.width[value]
    starts = np.zeros(len(rows), dtype=np.int64)
    if len(rows):
        np.cumsum(lengths[:-1], out=starts[1:])
    position = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    return np.repeat(rows, lengths), s.flat[np.repeat(s.offsets[value], lengths) + position]


def _distinct(rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (row, value) pairs, by row."""
    if not len(rows):
        return rows, values
    width = np.int64(int(values.max()) + 1)
    held = np.unique(rows * width + values)
    return held // width, held % width


def _gather(owners: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Indices `starts[o] .. starts[o] + counts[o] - 1` for each owner o, in order."""
    k = counts[owners]
    first = np.zeros(len(owners), dtype=np.int64)
    if len(owners):
        np.cumsum(k[:-1], out=first[1:])
    position = np.arange(int(k.sum()), dtype=np.int64) - np.repeat(first, k)
    return np.repeat(starts[owners], k) + position


def _case_spread(
    case: np.ndarray, rows: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(row, value) for every distinct value held by a record of the row's case (its own
    included), for every record of a case; a record without a case keeps its own values."""
    n = len(case)
    if not len(rows):
        return rows, values
    cases = int(case.max()) + 1 if n else 0
    # A record without a case is a case of its own.
    owner = np.where(case >= 0, case, cases + np.arange(n, dtype=np.int64)).astype(np.int64)
    held_owner, held_value = _distinct(owner[rows], values)
    counts = np.bincount(held_owner, minlength=cases + n)
    starts = np.zeros(cases + n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    members = np.arange(n, dtype=np.int64)
    members = members[counts[owner] > 0]
    index = _gather(owner[members], counts, starts)
    return np.repeat(members, counts[owner[members]]), held_value[index]


def _cross(
    left_rows: np.ndarray, left: list[np.ndarray], right_rows: np.ndarray, right: np.ndarray, n: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """(row, *left values, right value) for every left entry and right entry of one row."""
    order = np.argsort(right_rows, kind="stable")
    right_rows, right = right_rows[order], right[order]
    counts = np.bincount(right_rows, minlength=n)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    k = counts[left_rows]
    index = _gather(left_rows, counts, starts)
    return np.repeat(left_rows, k), [*(np.repeat(c, k) for c in left), right[index]]


def _combine(*parts: np.ndarray) -> np.ndarray:
    """One integer per tuple of non-negative codes (mixed radix over the parts' ranges)."""
    out = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        out = out * np.int64(int(part.max()) + 1 if len(part) else 1) + part
    return out


def kind_keys(columns: Columns) -> Iterator[KindKeys]:
    """Every key of every record, kind by kind (the kinds of `record_keys.record_keys`)."""
    t = columns.derive("block_tables", lambda: _tables(columns))
    n = len(columns)
    all_rows = np.arange(n, dtype=np.int64)
    sex = columns.sex.astype(np.int64) + 1
    earliest = columns.birth_earliest.astype(np.int64)
    middle = (earliest + columns.birth_latest) // 2
    born = earliest >= 0
    band = np.where(born, middle // BAND_DAYS, 0)
    band2 = np.where(born, (middle + BAND_DAYS // 2) // BAND_DAYS, 0)
    first = _per_row(columns.given, t.given_first)
    father = _per_row(columns.father, t.parent_first)
    mother = _per_row(columns.mother, t.parent_first)
    village = _per_row(columns.place, t.village)
    has_family = columns.family >= 0

    def keys(kind: str, rows: np.ndarray, *parts: np.ndarray) -> KindKeys:
        return KindKeys(kind, rows, _combine(*parts))

    # gf: every group of the given names with every family of the family name.
    g_rows, g_groups = _explode(columns.given, t.given_groups, all_rows)
    f_of_row = columns.family[g_rows]
    keep = f_of_row >= 0
    gf_rows, gf_groups = g_rows[keep], g_groups[keep]
    lengths = t.families.width[columns.family[gf_rows]]
    pair_rows, families = _explode(columns.family, t.families, gf_rows)
    yield keys("gf", pair_rows, np.repeat(gf_groups, lengths), families)
    with_first = first >= 0
    rows = np.flatnonzero(with_first & born)
    yield keys("gb", rows, first[rows], sex[rows], band[rows])
    yield keys("gb2", rows, first[rows], sex[rows], band2[rows])
    f_rows, f_codes = _explode(columns.family, t.families, all_rows)
    for kind, parent in (("ff", father), ("fm", mother)):
        keep = parent[f_rows] >= 0
        yield keys(kind, f_rows[keep], f_codes[keep], parent[f_rows[keep]])
    for kind, parent in (("gfa", father), ("gmo", mother)):
        rows = np.flatnonzero(with_first & (parent >= 0))
        yield keys(kind, rows, first[rows], parent[rows])
    # gv and hv: the villages (and families) of every record of the case.
    rows = np.flatnonzero(village >= 0)
    v_rows, v_codes = _case_spread(columns.case, rows, village[rows])
    # gv: the given-name groups, and that of a family name which is a given name.
    family_given = _per_row(columns.family, t.family_given)
    rows = np.flatnonzero(family_given >= 0)
    n_rows, n_groups = _distinct(
        np.concatenate([g_rows, rows]), np.concatenate([g_groups, family_given[rows]])
    )
    rows, (groups, villages) = _cross(n_rows, [n_groups], v_rows, v_codes, n)
    yield keys("gv", rows, groups, villages)
    keep = village[f_rows] >= 0
    rows = f_rows[keep]
    yield keys("fv", rows, f_codes[keep], village[rows], sex[rows])
    cf_rows, cf_codes = _case_spread(columns.case, f_rows, f_codes)
    rows, (case_families, villages) = _cross(cf_rows, [cf_codes], v_rows, v_codes, n)
    unknown = np.flatnonzero(columns.sex < 0)
    known = np.flatnonzero(columns.sex >= 0)
    s_rows = np.concatenate([known, unknown, unknown])
    s_codes = np.concatenate(
        [
            columns.sex[known].astype(np.int64),
            np.zeros(len(unknown), np.int64),
            np.ones(len(unknown), np.int64),
        ]
    )
    rows, (case_families, villages, sexes) = _cross(
        rows, [case_families, villages], s_rows, s_codes, n
    )
    yield keys("hv", rows, case_families, villages, sexes)
    given_prefix = _per_row(columns.given, t.given_prefix)
    rows = np.flatnonzero((given_prefix >= 0) & has_family)
    family_prefix = t.family_prefix[columns.family[rows]]
    low = np.minimum(given_prefix[rows], family_prefix)
    high = np.maximum(given_prefix[rows], family_prefix)
    yield keys("px", rows, low, high, sex[rows])
    rows = np.flatnonzero(with_first & ~has_family)
    yield keys("g", rows, first[rows], sex[rows])
    keep = born[f_rows]
    rows = f_rows[keep]
    yield keys("fb", rows, f_codes[keep], sex[rows], band[rows])


def weak_given(columns: Columns) -> np.ndarray:
    """Per row: the given name tells little (none, or no group the variant tables know)."""

    def derive() -> np.ndarray:
        values = columns.vocab["given"].values
        first = [v.groups[:1] or v.alias_groups[:1] for v in values]
        unknown = np.array([not f or f[0].startswith("k:") for f in first], dtype=bool)
        unknown = unknown.reshape(-1)
        return _per_row(columns.given, unknown.astype(np.int64)) != 0

    return columns.derive("weak_given", derive)


def parents_key(columns: Columns) -> KindKeys:
    """`pm`: both parents' first given-name groups (records with both parents named)."""
    t = columns.derive("block_tables", lambda: _tables(columns))
    father = _per_row(columns.father, t.parent_first)
    mother = _per_row(columns.mother, t.parent_first)
    rows = np.flatnonzero((father >= 0) & (mother >= 0))
    return KindKeys("pm", rows, _combine(father[rows], mother[rows]))
