"""One code path for batch linkage and for matching new records against a population.

prepare (columns of unique values) → blocking → comparison levels → model
(fitted: u from random pairs, m by EM) → scores with term frequencies and
household support → clusters under constraints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching.blocking import BlockingStats, candidate_pairs, cross_pairs
from matching.cluster import ClusterResult, cluster
from matching.coherence import coherent_persons
from matching.columns import Columns, build_columns
from matching.compare.pairs import compare_pairs
from matching.fitting import fit_model
from matching.guards import BIT, LEARNED_SURE, Traits
from matching.model import (
    FSModel,
)
from matching.prepared import Prepared
from matching.scoring import Scores, score_levels

CROSS_PAIRS = 200_000
"""Up to this many, `match_new` pairs every new record with every candidate."""


@dataclass
class LinkResult:
    columns: Columns
    a: np.ndarray
    b: np.ndarray
    scores: Scores
    bands: np.ndarray
    clusters: ClusterResult
    model: FSModel
    blocking: BlockingStats
    timings: dict[str, float] = field(default_factory=dict)

    def pairs_from(self, min_band: str = "review") -> list[int]:
        """The positions of the pairs at or above `min_band`."""
        wanted = {"match"} if min_band == "match" else {"match", "review"}
        if min_band == "non_match":
            wanted.add("non_match")
        return np.flatnonzero(np.isin(self.bands, list(wanted))).tolist()


def pair_bands(model: FSModel, scores: Scores) -> np.ndarray:
    """The band of each pair; a held pair (`matching.guards`) is never a `match`: it waits
    for a reviewer whatever its probability."""
    bands = model.bands(scores.probability)
    bands[(scores.held != 0) & (bands == "match")] = "review"
    return bands


def rescored(scores: Scores, rescore: Callable[[Scores], np.ndarray], model: FSModel) -> Scores:
    """The scores with a learned model's probabilities; a pair it alone lifts to a match,
    but below `guards.LEARNED_SURE`, is held for a reviewer (`learned_alone`)."""
    final = scores.rescored(rescore(scores))
    threshold = model.match_threshold
    lifted = (scores.probability < threshold) & (final.probability >= threshold)
    unsure = lifted & (final.probability < LEARNED_SURE)
    if unsure.any():
        final.held = final.held.copy()
        final.held[unsure] |= BIT["learned_alone"]
    return final


def row_pairs(columns: Columns, pairs: Iterable[tuple[Any, Any]]) -> list[tuple[int, int]]:
    """Pairs of record ids as pairs of rows (a pair naming a record not here is dropped)."""
    pairs = list(pairs)
    if not pairs:  # a batch without decisions: no index of a million ids
        return []
    row_of = {identifier: row for row, identifier in enumerate(columns.ids)}
    return [(row_of[x], row_of[y]) for x, y in pairs if x in row_of and y in row_of]


def cluster_scored(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    scores: Scores,
    model: FSModel,
    must: list[tuple[int, int]],
    cannot: list[tuple[int, int]],
    traits: Traits | None = None,
) -> ClusterResult:
    """Cluster scored pairs under the model's threshold, the reviewers' decisions (rows),
    the held pairs and the person traits (those of the columns by default)."""
    return cluster(
        len(columns),
        a,
        b,
        scores.probability,
        model.match_threshold,
        case=columns.case,
        must_link=must,
        cannot_link=cannot,
        held=scores.held,
        traits=traits if traits is not None else Traits.of(columns),
    )


def link(
    records: Sequence[Mapping[str, Any]] | Columns,
    model: FSModel | None = None,
    *,
    fit: bool = True,
    household: bool = True,
    must_link: Iterable[tuple[Any, Any]] = (),
    cannot_link: Iterable[tuple[Any, Any]] = (),
    id_field: str = "id",
    on_stage: Callable[[str], None] | None = None,
    rescore: Callable[[Scores], np.ndarray] | None = None,
    rescore_for: Callable[[FSModel], Callable[[Scores], np.ndarray] | None] | None = None,
    keep: str = "non_match",
) -> LinkResult:
    """Deduplicate a population; decisions (must/cannot link, by record id) are respected.

    `rescore` turns scores into final probabilities (a model learned from reviewers'
    decisions); by default the Fellegi-Sunter probability stands. `rescore_for`, instead,
    gives that rescoring once the model is fitted (a learned model corrects one FS model:
    fitted anew, it must be trained again against it). The result holds the
    pairs at or above band `keep` (`non_match`: every candidate pair); at a million
    records almost all of the tens of millions of candidate pairs are non-matches, and
    dropping them once scored keeps the memory small. Clustering only follows matches.
    """
    import time

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        timings[name] = time.perf_counter() - clock
        if on_stage is not None:
            on_stage(name)  # its own time (progress, memory given back) counts in no stage
        clock = time.perf_counter()

    if isinstance(records, Columns):
        columns = records
    else:
        columns = build_columns(records, id_field)
        stage("prepare")
    a, b, stats = candidate_pairs(columns)
    stage("blocking")
    levels = compare_pairs(columns, a, b)
    stage("compare")
    model = model or FSModel()
    if fit:
        model, _ = fit_model(columns, a, b, levels, model)
        stage("fit")
    scores = score_levels(columns, a, b, levels, model, household=household)
    if rescore_for is not None:
        rescore = rescore_for(model)
    if rescore is not None:
        scores = rescored(scores, rescore, model)
    if keep != "non_match":
        floor = model.match_threshold if keep == "match" else model.review_threshold
        kept = np.flatnonzero(scores.probability >= floor)
        a, b, scores = a[kept], b[kept], scores.take(kept)
    bands = pair_bands(model, scores)
    stage("score")
    must, cannot = row_pairs(columns, must_link), row_pairs(columns, cannot_link)
    clusters = cluster_scored(columns, a, b, scores, model, must, cannot)
    labels, incoherent = coherent_persons(
        columns, clusters.labels, a, b, scores.probability, model, must, scores.held
    )
    clusters = ClusterResult(labels, clusters.to_review + incoherent)
    stage("cluster")
    return LinkResult(columns, a, b, scores, bands, clusters, model, stats, timings)


def match_new(
    new: Sequence[Mapping[str, Any]],
    population: Sequence[Mapping[str, Any]],
    model: FSModel,
    id_field: str = "id",
    household: bool = True,
    population_size: int | None = None,
    rescore: Callable[[Scores], np.ndarray] | None = None,
    on_stage: Callable[[str], None] | None = None,
    prepared: Prepared | None = None,
) -> tuple[Columns, np.ndarray, np.ndarray, Scores, np.ndarray]:
    """Score new records against candidate records (from the blocking index) and each other.

    Returns the columns (new rows first), the pairs, their scores and bands.
    Pairs between two population records are not formed: those were scored before.
    Every new record is paired with every candidate (up to `CROSS_PAIRS` pairs: one
    record's candidates always), since the index found each by a key it shares with
    the import; beyond that, new records and candidates are blocked again.
    `population_size` is the number of stored records the candidates came from
    (it sets the prior); by default the records given. `on_stage` is told each stage's
    end (prepare, blocking, compare, score). `prepared` holds values prepared before
    (`matching.prepared`: the candidates' names and places, not parsed again).
    """

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    columns = build_columns([*new, *population], id_field, prepared)
    stage("prepare")
    crossed = len(new) * len(population) <= CROSS_PAIRS
    if crossed and len(new) == 1:
        # One new record: the cross pairs hold every pair blocking would add (those of
        # the new record with candidates, never within a case), so blocking is skipped.
        cross_a, cross_b = cross_pairs(columns, 1)
        a, b = cross_a.astype(np.int32), cross_b.astype(np.int32)
    else:
        a, b, _ = candidate_pairs(columns)
        involves_new = (a < len(new)) | (b < len(new))
        a, b = a[involves_new], b[involves_new]
    if crossed and len(new) > 1:
        cross_a, cross_b = cross_pairs(columns, len(new))
        width = np.int64(len(columns))
        codes = np.union1d(a.astype(np.int64) * width + b, cross_a * width + cross_b)
        a, b = (codes // width).astype(np.int32), (codes % width).astype(np.int32)
    stage("blocking")
    levels = compare_pairs(columns, a, b)
    stage("compare")
    scores = score_levels(
        columns, a, b, levels, model, household=household, population=population_size
    )
    if rescore is not None:
        scores = rescored(scores, rescore, model)
    bands = pair_bands(model, scores)
    stage("score")
    return columns, a, b, scores, bands
