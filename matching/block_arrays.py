"""The blocking keys of `matching.blocking.record_keys`, for a whole population, as integers.

The string keys are what the store indexes for incremental matching; a batch
run needs only which records share a key. Each key kind becomes integer
columns (row, key) built with numpy from small per-value tables (the groups
of each given name, the families of each family name, the village of each
place), so no Python runs per record; two records share an integer key of a
kind exactly when they share the string key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from matching.columns import Columns
from matching.compare.arrays import Codes, Sets, sets

BAND_DAYS = 5 * 365


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
        family_prefix=np.array([prefixes(v.key[:3]) for v in family], dtype=np.int64).reshape(-1),
        parent_first=np.array(
            [
                strings(v.given_groups[0]) if v.given_groups else -1
                for v in columns.vocab["parent"].values
            ],
            dtype=np.int64,
        ).reshape(-1),
        village=np.array(
            [
                villages(v.village or None) if v is not None else -1
                for v in columns.vocab["place"].values
            ],
            dtype=np.int64,
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


def _combine(*parts: np.ndarray) -> np.ndarray:
    """One integer per tuple of non-negative codes (mixed radix over the parts' ranges)."""
    out = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        out = out * np.int64(int(part.max()) + 1 if len(part) else 1) + part
    return out


def kind_keys(columns: Columns) -> Iterator[KindKeys]:
    """Every key of every record, kind by kind (the kinds of `blocking.record_keys`)."""
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
    g_rows, g_groups = g_rows[keep], g_groups[keep]
    lengths = t.families.width[columns.family[g_rows]]
    pair_rows, families = _explode(columns.family, t.families, g_rows)
    yield keys("gf", pair_rows, np.repeat(g_groups, lengths), families)
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
    rows = np.flatnonzero(with_first & (village >= 0))
    yield keys("gv", rows, first[rows], village[rows])
    keep = village[f_rows] >= 0
    rows = f_rows[keep]
    yield keys("fv", rows, f_codes[keep], village[rows], sex[rows])
    given_prefix = _per_row(columns.given, t.given_prefix)
    rows = np.flatnonzero((given_prefix >= 0) & has_family)
    family_prefix = t.family_prefix[columns.family[rows]]
    yield keys("px", rows, given_prefix[rows], family_prefix, sex[rows])
    rows = np.flatnonzero(with_first & ~has_family)
    yield keys("g", rows, first[rows], sex[rows])
    keep = born[f_rows]
    rows = f_rows[keep]
    yield keys("fb", rows, f_codes[keep], sex[rows], band[rows])


def parents_key(columns: Columns) -> KindKeys:
    """`pm`: both parents' first given-name groups (records with both parents named)."""
    t = columns.derive("block_tables", lambda: _tables(columns))
    father = _per_row(columns.father, t.parent_first)
    mother = _per_row(columns.mother, t.parent_first)
    rows = np.flatnonzero((father >= 0) & (mother >= 0))
    return KindKeys("pm", rows, _combine(father[rows], mother[rows]))
