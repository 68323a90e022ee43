"""Comparison levels for many pairs at once, as numpy expressions over tables of unique values.

Each vocabulary (family names, given names, parents' names, readings of
places) is turned once into a table of codes (`name_arrays`,
`place_arrays`); a pair's level is then read from the two rows its records
point to. No Python runs per pair, nor per unique pair, except Jaro-Winkler
in rapidfuzz's C code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from matching.columns import Columns
from matching.compare.dates import birth_levels
from matching.compare.name_arrays import (
    family_levels,
    family_table,
    given_levels,
    given_table,
    parent_levels,
    parent_table,
)
from matching.compare.place_arrays import PlaceTable, place_levels, place_table
from matching.compare.places import place_ref
from matching.comparisons import (
    COMPARISON,
    COMPARISON_NAMES,
    COMPARISONS,
    FAMILY_AGREES,
    PARENT_AGREES,
)
from matching.parallel import map_chunks, run_chunks, shared_empty
from matching.place_resolution import (
    ResolvedSets,
    resolution_signature,
    resolved_of,
    resolved_sets,
)
from matching.prepared import PLACE, PlaceReading, values_of

CHUNK = 4_000_000
DISTINCT_FROM = 1_000_000
"""From this many pairs in a chunk, a comparison with `distinct` works out each distinct
pair of values once (by `pandas.factorize`: pandas is imported by such large jobs only,
since it adds 0.4 s and 78 MB to a process's start)."""


def _pandas() -> Any:
    import pandas

    return pandas


def _level_codes(name: str) -> dict[str, int]:
    return {level: i for i, level in enumerate(COMPARISON[name].levels)}


def _by_unique_values(
    codes: np.ndarray,
    values: list[Any],
    a: np.ndarray,
    b: np.ndarray,
    compare: Callable[[Any, Any], str],
    level_codes: dict[str, int],
) -> np.ndarray:
    """Apply `compare` once per unordered pair of distinct value codes, then map back
    (for declared generic fields, `matching.generic_link`, whose values are few)."""
    code_a = codes[a].astype(np.int64)
    code_b = codes[b].astype(np.int64)
    out = np.zeros(len(a), dtype=np.int8)
    known = (code_a >= 0) & (code_b >= 0)
    low = np.minimum(code_a, code_b)[known]
    high = np.maximum(code_a, code_b)[known]
    width = np.int64(max(len(values), 1))
    unique, inverse = np.unique(low * width + high, return_inverse=True)
    levels = np.empty(len(unique), dtype=np.int8)
    for k, pair in enumerate(unique.tolist()):
        x, y = divmod(pair, int(width))
        levels[k] = level_codes[compare(values[x], values[y])]
    out[known] = levels[inverse]
    return out


def _by_codes(
    codes: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    levels: Callable[[Any, np.ndarray, np.ndarray], np.ndarray],
    table: Any,
    distinct: bool = False,
) -> np.ndarray:
    """Levels of pairs whose both values are known; `missing` (0) otherwise. With
    `distinct`, each distinct pair of values is compared once: pairs come from blocks
    sharing a name, so a chunk of four million pairs holds about 200,000 distinct pairs
    of family names or of given names."""
    code_a, code_b = codes[a], codes[b]
    out = np.zeros(len(a), dtype=np.int8)
    known = np.flatnonzero((code_a >= 0) & (code_b >= 0))
    if not len(known):
        return out
    x, y = code_a[known], code_b[known]
    if not distinct or len(known) < DISTINCT_FROM:
        out[known] = levels(table, x, y)
        return out
    inverse, values = _pandas().factorize((x.astype(np.int64) << 32) | y.astype(np.int64))
    first = (values >> 32).astype(x.dtype)
    second = (values & 0xFFFFFFFF).astype(y.dtype)
    out[known] = levels(table, first, second)[inverse]
    return out


def place_reading(key: tuple[Any, ...]) -> PlaceReading:
    """What the gazetteer makes of one place (a key of `place_keys`)."""
    written = resolved_of(key).written
    return resolution_signature(key), resolved_sets(key), written


PARALLEL_PLACES = 20_000
"""From this many distinct places to resolve, they are resolved on every core (a million
records hold about 110,000: 14 s on one core)."""


def _readings(keys: list[tuple[Any, ...]]) -> list[PlaceReading]:
    return map_chunks(
        lambda part: [place_reading(k) for k in keys[part]], len(keys), 2_000, PARALLEL_PLACES
    )


def _place_refs(columns: Columns) -> list[Any]:
    return [place_ref(v) for v in columns.vocab["place"].values]


def _distinct_places(refs: list[Any]) -> list[tuple[Any, ...]]:
    return list(dict.fromkeys(r for r in refs if isinstance(r, tuple)))


def place_keys(columns: Columns) -> list[tuple[Any, ...]]:
    """The distinct places of the population as the gazetteer resolves them (`place_ref`)."""
    return _distinct_places(_place_refs(columns))


def place_readings(columns: Columns) -> list[PlaceReading]:
    """What the gazetteer makes of each distinct place of the population (its vocabulary's
    order): from `columns.prepared` where it holds it, else resolved (and it is told)."""
    refs = _place_refs(columns)
    readings = values_of(columns.prepared, PLACE, _distinct_places(refs), _readings)
    return [readings[r] if isinstance(r, tuple) else place_reading(r) for r in refs]


def _places(columns: Columns) -> tuple[np.ndarray, PlaceTable]:
    """Recode places by what the gazetteer makes of them (spellings of one village merge),
    and tabulate each distinct reading."""
    readings = place_readings(columns)
    codes: dict[tuple[object, ...], int] = {}
    representatives: list[ResolvedSets] = []
    of_value = np.empty(len(readings), dtype=np.int32)
    for code, (signature, resolved, _) in enumerate(readings):
        found = codes.get(signature)
        if found is None:
            found = codes[signature] = len(representatives)
            representatives.append(resolved)
        of_value[code] = found
    place = columns.place
    if len(of_value):
        place = np.where(place >= 0, of_value[np.maximum(place, 0)], -1).astype(np.int32)
    return place, place_table(representatives)


def compare_pairs(columns: Columns, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The level of every comparison for pairs (a[k], b[k]): shape (pairs, comparisons).

    Pairs are taken `CHUNK` at a time, so that the temporaries of the comparisons stay
    small next to the int8 levels, whatever the number of pairs.
    """
    _tables(columns)  # built once, before the work is shared out
    if len(a) >= DISTINCT_FROM:
        _pandas()  # imported once, before the workers fork
    levels = shared_empty((len(a), len(COMPARISONS)), np.int8)

    def work(part: slice) -> None:
        chunk = np.empty((part.stop - part.start, len(COMPARISONS)), np.int8, order="F")
        _compare_chunk(columns, a[part], b[part], chunk)  # column by column: contiguous
        levels[part] = chunk

    run_chunks(work, len(a), CHUNK)
    return levels


def _tables(columns: Columns) -> dict[str, Any]:
    """The tables of unique values each comparison reads (built on first use)."""
    vocab = columns.vocab
    return {
        "family_name": columns.derive("family_table", lambda: family_table(vocab["family"].values)),
        "given_names": columns.derive("given_table", lambda: given_table(vocab["given"].values)),
        "origin_place": columns.derive("place_table", lambda: _places(columns)),
        "parent": columns.derive("parent_table", lambda: parent_table(vocab["parent"].values)),
    }


def _same_code(name: str, codes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`same`, `different` or `missing` (a code below 0 on either side) of a comparison
    whose values are codes that agree only when equal (sex, a phone number)."""
    level = _level_codes(name)
    code_a, code_b = codes[a], codes[b]
    column = np.where(code_a == code_b, level["same"], level["different"]).astype(np.int8)
    column[(code_a < 0) | (code_b < 0)] = level["missing"]
    return column


def _compare_chunk(columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray) -> None:
    tables = _tables(columns)
    for k, comparison in enumerate(COMPARISONS):
        if comparison.name == "family_name":
            column = _by_codes(columns.family, a, b, family_levels, tables["family_name"], True)
        elif comparison.name == "given_names":
            column = _by_codes(columns.given, a, b, given_levels, tables["given_names"], True)
        elif comparison.name in ("sex", "phone"):
            column = _same_code(comparison.name, getattr(columns, comparison.name), a, b)
        elif comparison.name == "birth":
            column = birth_levels(
                columns.birth_earliest, columns.birth_latest, columns.birth_exact, a, b
            )
        elif comparison.name == "origin_place":
            signatures, table = tables["origin_place"]
            column = _by_codes(signatures, a, b, place_levels, table)
        elif comparison.name in ("father", "mother"):
            codes = getattr(columns, comparison.name)
            column = _by_codes(codes, a, b, parent_levels, tables["parent"], True)
        else:
            raise KeyError(comparison.name)
        levels[:, k] = column
    _patronym_implies_father(columns, a, b, levels)


def _patronym_implies_father(
    columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray
) -> None:
    """Ag / Walet / Ould / Mint + X says the father is X: when such family names agree,
    the father's given name agreeing is the same evidence, not new evidence."""
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    agrees = COMPARISON["family_name"].among(family, *FAMILY_AGREES)
    implied = (columns.patronymic[a] | columns.patronymic[b]) & agrees
    father = COMPARISON_NAMES.index("father")
    agreeing = implied & COMPARISON["father"].among(levels[:, father], *PARENT_AGREES)
    levels[agreeing, father] = COMPARISON["father"].missing
