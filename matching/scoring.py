"""From comparison levels to match probabilities: weights, term frequencies, household support."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from matching.columns import Columns
from matching.comparisons import (
    BIRTHS_CONSISTENT,
    COMPARISON,
    COMPARISON_NAMES,
    COMPARISONS,
    FAMILY_AGREES,
    FAMILY_NEAR,
    GIVEN_AGREES,
    PARENT_AGREES,
)
from matching.frequencies import name_shares, term_frequency_adjustment
from matching.guards import Traits, held_pairs
from matching.model import (
    FSModel,
    log2_odds,
    near_family_weights,
    probability_from_log2_odds,
    same_family_weights,
)
from matching.parallel import run_chunks, shared_empty

CHUNK = 4_000_000
"""Pairs scored at a time: temporaries stay small next to the arrays kept."""
SUPPORT_WEIGHT = 2.0
SUPPORT_CAP = 3
LONE_MATCH_PENALTY = 1.5
STRONG_PROBABILITY = 0.5


@dataclass(eq=False)
class Scores:
    """Scored pairs. The per-comparison weights that explain a score (`contributions`)
    are worked out on first use, for these pairs only: a million-record run scores tens
    of millions of pairs and explains the few that reach review."""

    levels: np.ndarray
    household: np.ndarray
    probability: np.ndarray
    sibling: np.ndarray
    """Pairs that look like brothers or sisters: same parents, different given names."""
    held: np.ndarray
    """Bits of the guards (`matching.guards.GUARDS`) that keep each pair from an automatic
    merge, whatever its probability."""
    source: tuple[Columns, np.ndarray, np.ndarray, FSModel, int | None] = field(repr=False)
    """The records, the pairs (a, b), the model the weights come from and the number of
    records of the population they were drawn from (None: `columns` are all of it)."""
    learned: np.ndarray | None = field(default=None, repr=False)
    """Where a model learned from reviewers' decisions gave the final probability, by how
    much it moved the Fellegi-Sunter log2 odds (to a hundredth; 0 where it did not): the
    pair's reasons say so, so that they still add up to its probability."""

    def rescored(self, probability: np.ndarray) -> Scores:
        """These scores with the final probabilities of a learned model."""
        changed = np.flatnonzero(probability != self.probability)
        moved = np.zeros(len(probability), dtype=np.float32)
        # only the pairs it re-scored: `link` rescores tens of millions, most untouched
        moved[changed] = np.round(
            log2_odds(probability[changed]) - log2_odds(self.probability[changed]), 2
        )
        return replace(self, probability=probability, learned=moved)

    @cached_property
    def contributions(self) -> np.ndarray:
        """The weight of each comparison for each pair (float32, shape pairs × comparisons)."""
        columns, a, b, model, population = self.source
        parts = np.empty(self.levels.shape, dtype=np.float32)
        pair_weights(columns, a, b, self.levels, model, parts=parts, population=population)
        return parts

    def take(self, index: np.ndarray) -> Scores:
        """The scores of the pairs at `index` (weights still worked out on demand)."""
        columns, a, b, model, population = self.source
        return Scores(
            self.levels[index],
            self.household[index],
            self.probability[index],
            self.sibling[index],
            self.held[index],
            (columns, a[index], b[index], model, population),
            None if self.learned is None else self.learned[index],
        )


SHARED_BY_SIBLINGS = ("family_name", "birth", "origin_place", "father", "mother")
SHARED_BY_HOUSEHOLDS = ("phone",)
"""What a household's members share (its phone): evidence of the same person only where
the given names agree and the births do not tell two people apart; elsewhere it can
only count against. A father and a son of one name, neither with a birth date, still
gain from their family's number: the guards do not hold that pair."""
GIVEN_IDENTIFY = (*GIVEN_AGREES, "alias_or_short", "fuzzy")


def household_evidence_counts(levels: np.ndarray) -> np.ndarray:
    """Pairs in which what a household shares (`SHARED_BY_HOUSEHOLDS`) may count for the
    same person: the given names agree and the births do not tell the two apart."""
    given = levels[:, COMPARISON_NAMES.index("given_names")]
    birth = levels[:, COMPARISON_NAMES.index("birth")]
    return COMPARISON["given_names"].among(given, *GIVEN_IDENTIFY) & COMPARISON["birth"].among(
        birth, *BIRTHS_CONSISTENT
    )


def sibling_guard(columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Same parents and different given names: a brother or sister (twins included).

    Everything siblings share (family name, parents, village, even the birth
    date of twins) then proves nothing about being the same person. Two
    patronyms that agree (Ag Moussa, Walet Moussa) name the same father.
    """
    given = levels[:, COMPARISON_NAMES.index("given_names")]
    father = levels[:, COMPARISON_NAMES.index("father")]
    mother = levels[:, COMPARISON_NAMES.index("mother")]
    different = COMPARISON["given_names"].among(given, "different")
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    agrees = COMPARISON["family_name"].among(family, *FAMILY_AGREES)
    patronymic = columns.patronymic[a] & columns.patronymic[b] & agrees
    parents = COMPARISON["father"].among(father, *PARENT_AGREES) | COMPARISON["mother"].among(
        mother, *PARENT_AGREES
    )
    return different & (parents | patronymic)


def _case_keys(
    columns: Columns, a: np.ndarray, b: np.ndarray, width: np.int64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    case_a, case_b = columns.case[a], columns.case[b]
    both = (case_a >= 0) & (case_b >= 0)
    key = np.minimum(case_a, case_b).astype(np.int64) * width + np.maximum(case_a, case_b)
    return case_a, case_b, both, key


def household_support(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    log2_odds: np.ndarray,
    levels: np.ndarray,
    held: np.ndarray | None = None,
) -> np.ndarray:
    """Collective evidence from cases: matches between other members of the same two cases.

    When several members of case A match members of case B, each of those
    pairs is more likely; a lone name match between two households that
    share nothing else is less likely. A held pair (`matching.guards`) neither
    gets support nor gives it: two sisters of one household match the two
    sisters of another household's file by family name and village, and each
    would otherwise lift the other. Strong pairs are few: a first pass counts
    them per pair of cases, a second looks each pair's cases up among them;
    both go `CHUNK` pairs at a time.
    """
    adjust = np.zeros(len(a), dtype=np.float32)
    if not len(a) or not (columns.case >= 0).any():
        return adjust
    width = np.int64(max(int(columns.case.max()) + 1, 1))
    birth = COMPARISON_NAMES.index("birth")
    threshold = np.log2(STRONG_PROBABILITY / (1 - STRONG_PROBABILITY))
    strong_keys: list[np.ndarray] = []
    chunks = [slice(start, start + CHUNK) for start in range(0, len(a), CHUNK)]
    for part in chunks:
        _, _, both, key = _case_keys(columns, a[part], b[part], width)
        strong = both & COMPARISON["birth"].among(levels[part, birth], *BIRTHS_CONSISTENT)
        if held is not None:
            strong &= held[part] == 0
        strong &= log2_odds[part] >= threshold
        strong_keys.append(key[strong])
    keys, counts = np.unique(np.concatenate(strong_keys), return_counts=True)
    in_strong = np.zeros(int(width), dtype=bool)
    in_strong[keys // width] = True
    in_strong[keys % width] = True
    sizes = np.bincount(columns.case[columns.case >= 0], minlength=int(width))
    for part in chunks:
        case_a, case_b, both, key = _case_keys(columns, a[part], b[part], width)
        plausible = both & COMPARISON["birth"].among(levels[part, birth], *BIRTHS_CONSISTENT)
        if held is not None:
            plausible &= held[part] == 0
        strong = plausible & (log2_odds[part] >= threshold)
        others = np.zeros(len(key), dtype=np.int64)
        look = np.flatnonzero(both & in_strong[case_a] & in_strong[case_b])
        if len(keys) and len(look):
            at = np.minimum(np.searchsorted(keys, key[look]), len(keys) - 1)
            found = keys[at] == key[look]
            others[look[found]] = counts[at[found]]
        others -= strong
        chunk = np.zeros(len(key), dtype=np.float32)
        chunk[plausible] = SUPPORT_WEIGHT * np.minimum(others[plausible], SUPPORT_CAP)
        lone = both & (others == 0)
        lone &= (sizes[np.maximum(case_a, 0)] >= 3) & (sizes[np.maximum(case_b, 0)] >= 3)
        chunk[lone] -= LONE_MATCH_PENALTY
        adjust[part] = chunk
    return adjust


def pair_weights(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    levels: np.ndarray,
    model: FSModel,
    parts: np.ndarray | None = None,
    population: int | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The summed comparison weights (float64, before the prior), the sibling flag and the
    guards' bits (`matching.guards.held_pairs`) of each pair; each comparison's weight
    into `parts` (float32) when given. `population`: the number of records `columns`
    were drawn from, when they are a few of them (`frequencies.name_shares`).

    `CHUNK` pairs at a time and column by column, the sum taken in the order of the
    comparisons, so that a pair's weights do not depend on the pairs around it.
    """
    table = model.weight_table()
    conditional = same_family_weights(model)
    near_conditional = near_family_weights(model)
    shared = {COMPARISON_NAMES.index(name) for name in SHARED_BY_SIBLINGS}
    household_wide = {COMPARISON_NAMES.index(name) for name in SHARED_BY_HOUSEHOLDS}
    shares = name_shares(columns, model, population)
    totals = shared_empty(len(a), float)
    sibling = shared_empty(len(a), bool)
    held = shared_empty(len(a), np.uint16)
    Traits.of(columns)  # worked out once here, not in every forked worker
    family_index = COMPARISON_NAMES.index("family_name")

    def work(part: slice) -> None:
        lv = np.asfortranarray(levels[part])  # each comparison a contiguous column
        pa, pb = a[part], b[part]
        adjust = term_frequency_adjustment(columns, pa, pb, lv, model, shares)
        family = lv[:, family_index]
        same_family = COMPARISON["family_name"].among(family, *FAMILY_AGREES)
        near_family = COMPARISON["family_name"].among(family, *FAMILY_NEAR)
        guard = sibling_guard(columns, pa, pb, lv)
        other_person = ~household_evidence_counts(lv)
        sibling[part] = guard
        held[part] = held_pairs(columns, pa, pb, lv)
        total = np.zeros(len(lv), dtype=float)
        for k, comparison in enumerate(COMPARISONS):
            column = table[comparison.name][lv[:, k]]
            if k in adjust:
                column += adjust.pop(k)
            if comparison.name in conditional:
                column[same_family] = conditional[comparison.name][lv[same_family, k]]
            if comparison.name in near_conditional:
                column[near_family] = near_conditional[comparison.name][lv[near_family, k]]
            if k in shared and guard.any():
                column[guard] = np.minimum(column[guard], 0.0)
            if k in household_wide:
                column[other_person] = np.minimum(column[other_person], 0.0)
            if parts is not None:
                parts[part, k] = column
            total += column
        totals[part] = total

    run_chunks(work, len(a), CHUNK, parallel=parts is None)
    return totals, sibling, held


PRIOR_SAMPLE = 2_000_000
"""Blocked pairs sampled to estimate how many matches a record has (a sum: a sample serves)."""
MIN_MATCHES_PER_RECORD = 0.5
"""The fewest matches per record the prior assumes: the model's declared starting value.

Missing fields carry no evidence, so where most fields are missing the true pairs
score low, their sum pulls the estimate down, and the lower prior pulls the scores
further down (on generated sets with most birth data and parents missing: 0.15
matches per record found against a true 0.81, and pairs scored 0.05 were the same
person three times in four). A referral mechanism exists because the same people
pass through several organisations' files."""


def matches_per_record(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    levels: np.ndarray,
    model: FSModel,
    seed: int = 7,
) -> float:
    """How many other records of the same person a record has, in this population.

    The prior's one parameter, found where it explains the pairs themselves: the
    expected number of matches among the blocked pairs, each scored with its full
    weights (names with their frequencies in this population) under the prior, is
    the number the prior assumed (pairs that blocking never forms are taken as
    non-matches). Fitted on one population and applied to another ten times larger,
    a prior learned from shares of blocked pairs grew with the population (on the
    generated sets 10.8 matches per record at 23k records and 75 at 250k, against a
    true 0.81): every score was then over-confident, more so as the registry grew.
    """
    n = len(columns)
    if n < 2 or not len(a):
        return model.matches_per_record
    scale = 1.0
    if len(a) > PRIOR_SAMPLE:
        scale = len(a) / PRIOR_SAMPLE
        rows = np.random.default_rng(seed).integers(0, len(a), PRIOR_SAMPLE)
        a, b, levels = a[rows], b[rows], levels[rows]
    weights, _, _ = pair_weights(columns, a, b, levels, model)
    estimate = max(model.matches_per_record, MIN_MATCHES_PER_RECORD)
    for _ in range(200):
        rate = min(estimate / (n - 1), 0.5)
        posterior = 1.0 / (1.0 + np.exp2(-(weights + np.log2(rate / (1 - rate)))))
        updated = max(2.0 * scale * float(posterior.sum()) / n, MIN_MATCHES_PER_RECORD)
        if abs(updated - estimate) < 1e-5:
            return updated
        estimate = updated
    return estimate


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
    log2_odds, sibling, held = pair_weights(columns, a, b, levels, model, population=population)
    log2_odds += model.prior_log2_odds(population or len(columns))
    if household:
        extra = household_support(columns, a, b, log2_odds, levels, held)
        log2_odds += extra
    else:
        extra = np.zeros(len(a), dtype=np.float32)
    return Scores(
        levels,
        extra,
        probability_from_log2_odds(log2_odds, in_place=True),
        sibling,
        held,
        (columns, a, b, model, population),
    )
