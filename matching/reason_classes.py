"""Pairs whose reason for one comparison reads the same: worded once for all of them.

A relink words the reasons of hundreds of thousands of kept pairs, and they say the same
things again and again (`sexe : F ~ F (même sexe) +1,0`, the same two names at the same
level and weight). A comparison's reason (`explain.field_reason`) reads of the pair only
its level and weight and, of each record, the values it quotes (`explain.shown_codes`
gives those as one code per record), so that pairs of one class (`reason_classes`) are
worded alike, and each class is worded once, from any of its pairs.
"""

from __future__ import annotations

import numpy as np

from matching.columns import Columns
from matching.explain import shown_codes


def reason_classes(
    columns: Columns,
    field: int,
    levels: np.ndarray,
    weights: np.ndarray,
    rows_a: np.ndarray,
    rows_b: np.ndarray,
    minimal: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs `(rows_a[i], rows_b[i])` of comparison `field` at `levels[i]`, `weights[i]`
    in classes worded alike: `(first, inverse)`, the first pair of each class and the class
    of every pair. The weight is compared to the bit (its words show it rounded)."""
    count = len(levels)
    if not count:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    shown = shown_codes(columns, field, minimal)
    quoted = _codes(np.concatenate((shown[rows_a], shown[rows_b])))
    weight = _codes(np.ascontiguousarray(weights, dtype=np.float64).view(np.int64))
    key = _codes(np.asarray(levels, dtype=np.int64) * (count + 1) + weight)
    key = _codes(key * (2 * count + 1) + quoted[:count])
    inverse = _codes(key * (2 * count + 1) + quoted[count:])
    first = np.flatnonzero(np.diff(np.maximum.accumulate(inverse), prepend=-1) > 0)
    return first, inverse


def _codes(values: np.ndarray) -> np.ndarray:
    """A code per distinct value, from 0 in order of first appearance (hashed, not
    sorted)."""
    from pandas import factorize

    return factorize(values, sort=False)[0].astype(np.int64)
