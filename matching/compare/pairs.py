"""Comparison levels for many pairs at once, computed once per unique pair of values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from matching.columns import Columns
from matching.compare.dates import birth_levels
from matching.compare.names import family_level, given_level, parent_level
from matching.compare.places import place_level, place_ref
from matching.model import COMPARISON_NAMES, COMPARISONS
from matching.places import resolution_signature


def _level_codes(name: str) -> dict[str, int]:
    for comparison in COMPARISONS:
        if comparison.name == name:
            return {level: i for i, level in enumerate(comparison.levels)}
    raise KeyError(name)


def _by_unique_values(
    codes: np.ndarray,
    values: list[Any],
    a: np.ndarray,
    b: np.ndarray,
    compare: Callable[[Any, Any], str],
    level_codes: dict[str, int],
) -> np.ndarray:
    """Apply `compare` once per unordered pair of distinct value codes, then map back."""
    code_a = codes[a].astype(np.int64)
    code_b = codes[b].astype(np.int64)
    out = np.zeros(len(a), dtype=np.int8)
    known = (code_a >= 0) & (code_b >= 0)
    low = np.minimum(code_a, code_b)[known]
    high = np.maximum(code_a, code_b)[known]
    width = np.int64(max(len(values), 1))
    combined = low * width + high
    unique, inverse = np.unique(combined, return_inverse=True)
    levels = np.empty(len(unique), dtype=np.int8)
    for k, pair in enumerate(unique.tolist()):
        x, y = divmod(pair, int(width))
        levels[k] = level_codes[compare(values[x], values[y])]
    out[known] = levels[inverse]
    return out


def _place_signatures(columns: Columns) -> tuple[np.ndarray, list[Any]]:
    """Recode places by what the gazetteer makes of them (spellings of one village merge)."""
    codes: dict[tuple[object, ...], int] = {}
    representatives: list[Any] = []
    of_value = np.empty(len(columns.vocab["place"].values), dtype=np.int64)
    for code, value in enumerate(columns.vocab["place"].values):
        signature = resolution_signature(place_ref(value))
        found = codes.get(signature)
        if found is None:
            found = codes[signature] = len(representatives)
            representatives.append(value)
        of_value[code] = found
    place = columns.place.astype(np.int64)
    if not len(of_value):
        return place, representatives
    return np.where(place >= 0, of_value[np.maximum(place, 0)], -1), representatives


def compare_pairs(columns: Columns, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The level of every comparison for pairs (a[k], b[k]): shape (pairs, comparisons)."""
    levels = np.zeros((len(a), len(COMPARISONS)), dtype=np.int8)
    parents = columns.vocab["parent"].values
    for k, comparison in enumerate(COMPARISONS):
        codes = _level_codes(comparison.name)
        if comparison.name == "family_name":
            column = _by_unique_values(
                columns.family, columns.vocab["family"].values, a, b, family_level, codes
            )
        elif comparison.name == "given_names":
            column = _by_unique_values(
                columns.given, columns.vocab["given"].values, a, b, given_level, codes
            )
        elif comparison.name == "sex":
            sex_a, sex_b = columns.sex[a], columns.sex[b]
            column = np.where(sex_a == sex_b, codes["same"], codes["different"]).astype(np.int8)
            column[(sex_a < 0) | (sex_b < 0)] = codes["missing"]
        elif comparison.name == "birth":
            column = birth_levels(
                columns.birth_earliest, columns.birth_latest, columns.birth_exact, a, b
            )
        elif comparison.name == "origin_place":
            signatures, representatives = _place_signatures(columns)
            column = _by_unique_values(signatures, representatives, a, b, place_level, codes)
        elif comparison.name == "father":
            column = _by_unique_values(columns.father, parents, a, b, parent_level, codes)
        elif comparison.name == "mother":
            column = _by_unique_values(columns.mother, parents, a, b, parent_level, codes)
        else:
            raise KeyError(comparison.name)
        levels[:, k] = column
    _patronym_implies_father(columns, a, b, levels)
    return levels


def _patronym_implies_father(
    columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray
) -> None:
    """Ag / Walet / Ould / Mint + X says the father is X: when such family names agree,
    the father's given name agreeing is the same evidence, not new evidence."""
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    implied = (columns.patronymic[a] | columns.patronymic[b]) & (family >= 1) & (family <= 3)
    father = COMPARISON_NAMES.index("father")
    agreeing = implied & (levels[:, father] >= 1) & (levels[:, father] <= 2)
    levels[agreeing, father] = 0
