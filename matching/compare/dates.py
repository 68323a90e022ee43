"""Birth intervals compared by overlap and distance in years, for arrays of pairs at once.

Birth dates are intervals (see `models.birthdates`): an age given in 2019
and another given in 2023 become intervals that overlap when the ages are
consistent, so no special case is needed for registrations years apart.
Placeholder dates (01/01, 31/12) are year intervals: they can agree only at
the `overlap_wide` level, never `same_day`.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from matching.comparisons import COMPARISON

NARROW_DAYS = 366
DAYS_PER_YEAR = 365.25


BirthLevel = IntEnum(
    "BirthLevel", {level.upper(): i for i, level in enumerate(COMPARISON["birth"].levels)}
)
"""The birth comparison's levels (declared in `matching.comparisons`) by name."""


def birth_levels(
    earliest: np.ndarray, latest: np.ndarray, exact: np.ndarray, a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Levels for pairs (a[k], b[k]); intervals are day ordinals, -1 when unknown.

    `exact` marks day-precision dates that are not placeholders.
    """
    e_a, e_b, l_a, l_b = earliest[a], earliest[b], latest[a], latest[b]
    missing = (e_a < 0) | (e_b < 0)
    gap_days = np.maximum(np.maximum(e_a, e_b) - np.minimum(l_a, l_b), 0)
    overlap = gap_days == 0
    narrow = ((l_a - e_a) <= NARROW_DAYS) & ((l_b - e_b) <= NARROW_DAYS)
    same_day = exact[a] & exact[b] & (e_a == e_b)
    levels = np.full(len(a), BirthLevel.FURTHER, dtype=np.int8)
    levels[gap_days <= 5 * DAYS_PER_YEAR] = BirthLevel.WITHIN_5_YEARS
    levels[gap_days <= 2 * DAYS_PER_YEAR] = BirthLevel.WITHIN_2_YEARS
    levels[overlap] = BirthLevel.OVERLAP_WIDE
    levels[overlap & narrow] = BirthLevel.OVERLAP_NARROW
    levels[same_day] = BirthLevel.SAME_DAY
    levels[missing] = BirthLevel.MISSING
    return levels
