"""From comparison levels to match probabilities: weights, term frequencies, household support."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching.columns import Columns
from matching.model import (
    COMPARISON_NAMES,
    COMPARISONS,
    FSModel,
    contributions,
    probability_from_log2_odds,
    same_family_weights,
)

TF_CLIP = (-6.0, 6.0)
TF_PSEUDO_RECORDS = 500
SUPPORT_WEIGHT = 2.0
SUPPORT_CAP = 3
LONE_MATCH_PENALTY = 1.5
STRONG_PROBABILITY = 0.5
BIRTH_CONSISTENT_LEVEL = 4
"""Birth levels up to `within_2_years`: household support never rescues an age mismatch."""


@dataclass
class Scores:
    levels: np.ndarray
    contributions: np.ndarray
    household: np.ndarray
    log2_odds: np.ndarray
    probability: np.ndarray
    sibling: np.ndarray
    """Pairs that look like brothers or sisters: same parents, different given names."""


SHARED_BY_SIBLINGS = ("family_name", "birth", "origin_place", "father", "mother")


def sibling_guard(columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Same parents and different given names: a brother or sister (twins included).

    Everything siblings share (family name, parents, village, even the birth
    date of twins) then proves nothing about being the same person. Two
    patronyms that agree (Ag Moussa, Walet Moussa) name the same father.
    """
    given = levels[:, COMPARISON_NAMES.index("given_names")]
    father = levels[:, COMPARISON_NAMES.index("father")]
    mother = levels[:, COMPARISON_NAMES.index("mother")]
    different = given == COMPARISONS[COMPARISON_NAMES.index("given_names")].levels.index(
        "different"
    )
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    patronymic = columns.patronymic[a] & columns.patronymic[b] & (family >= 1) & (family <= 3)
    parents = ((father >= 1) & (father <= 2)) | ((mother >= 1) & (mother <= 2))
    return different & (parents | patronymic)


def _shares(codes: np.ndarray, group_of: list[str], u: float) -> np.ndarray:
    """For each record, the share of records whose value falls in the same group.

    Smoothed towards `u` with TF_PSEUDO_RECORDS pseudo-records, so that a
    handful of records says little about how common a name is.
    """
    names: dict[str, int] = {}
    group_codes = np.asarray([names.setdefault(g, len(names)) for g in group_of] or [0])
    record_groups = np.where(codes >= 0, group_codes[np.maximum(codes, 0)], -1)
    known = record_groups >= 0
    counts = np.bincount(record_groups[known], minlength=max(len(names), 1)).astype(float)
    total = max(int(known.sum()), 1)
    share = np.full(len(codes), u, dtype=float)
    share[known] = (counts[record_groups[known]] + TF_PSEUDO_RECORDS * u) / (
        total + TF_PSEUDO_RECORDS
    )
    return share


def term_frequency_adjustment(
    columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray, model: FSModel
) -> np.ndarray:
    """log2(u_level / tf(value)) for names that agree: common names prove less."""
    adjust = np.zeros(levels.shape, dtype=float)
    family_values = columns.vocab["family"].values
    given_values = columns.vocab["given"].values
    exact_u = {name: float(model.u[name][1]) for name in ("family_name", "given_names")}
    shares = {
        "family_name": _shares(
            columns.family, [v.group for v in family_values], exact_u["family_name"]
        ),
        "given_names": _shares(
            columns.given,
            [v.groups[0] if v.groups else "" for v in given_values],
            exact_u["given_names"],
        ),
    }
    for k, comparison in enumerate(COMPARISONS):
        if not comparison.tf_levels:
            continue
        share = np.maximum(
            (shares[comparison.name][a] + shares[comparison.name][b]) / 2, model.tf_floor
        )
        u = np.asarray(model.u[comparison.name], dtype=float)
        for level in comparison.tf_levels:
            index = comparison.levels.index(level)
            hit = levels[:, k] == index
            adjust[hit, k] = np.clip(np.log2(max(u[index], 1e-9) / share[hit]), *TF_CLIP)
    return adjust


def household_support(
    columns: Columns, a: np.ndarray, b: np.ndarray, log2_odds: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """Collective evidence from cases: matches between other members of the same two cases.

    When several members of case A match members of case B, each of those
    pairs is more likely; a lone name match between two households that
    share nothing else is less likely.
    """
    adjust = np.zeros(len(a), dtype=float)
    case_a, case_b = columns.case[a], columns.case[b]
    both = (case_a >= 0) & (case_b >= 0)
    if not both.any():
        return adjust
    low = np.minimum(case_a, case_b).astype(np.int64)
    high = np.maximum(case_a, case_b).astype(np.int64)
    width = np.int64(max(int(columns.case.max()) + 1, 1))
    key = np.where(both, low * width + high, -1)
    birth = levels[:, COMPARISON_NAMES.index("birth")]
    plausible = birth <= BIRTH_CONSISTENT_LEVEL
    strong = (
        both & plausible & (log2_odds >= np.log2(STRONG_PROBABILITY / (1 - STRONG_PROBABILITY)))
    )
    unique, inverse = np.unique(key, return_inverse=True)
    strong_counts = np.bincount(inverse, weights=strong.astype(float), minlength=len(unique))
    others = strong_counts[inverse] - strong
    support = np.minimum(others, SUPPORT_CAP)
    adjust[both & plausible] = SUPPORT_WEIGHT * support[both & plausible]
    sizes = np.bincount(columns.case[columns.case >= 0], minlength=int(width))
    lone = (
        both
        & (others == 0)
        & (sizes[np.maximum(case_a, 0)] >= 3)
        & (sizes[np.maximum(case_b, 0)] >= 3)
    )
    adjust[lone] -= LONE_MATCH_PENALTY
    return adjust


def score_levels(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    levels: np.ndarray,
    model: FSModel,
    household: bool = True,
    population: int | None = None,
) -> Scores:
    """Scores of pairs; `population` is the number of records they were drawn from."""
    parts = contributions(model, levels, term_frequency_adjustment(columns, a, b, levels, model))
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    same_family = (family >= 1) & (family <= 3)
    for name, weights in same_family_weights(model).items():
        k = COMPARISON_NAMES.index(name)
        parts[same_family, k] = weights[levels[same_family, k]]
    sibling = sibling_guard(columns, a, b, levels)
    if sibling.any():
        shared = [COMPARISON_NAMES.index(name) for name in SHARED_BY_SIBLINGS]
        parts[np.ix_(sibling, shared)] = np.minimum(parts[np.ix_(sibling, shared)], 0.0)
    log2_odds = model.prior_log2_odds(population or len(columns)) + parts.sum(axis=1)
    extra = household_support(columns, a, b, log2_odds, levels) if household else np.zeros(len(a))
    log2_odds = log2_odds + extra
    return Scores(levels, parts, extra, log2_odds, probability_from_log2_odds(log2_odds), sibling)
