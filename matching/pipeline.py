"""One code path for batch linkage and for matching new records against a population.

prepare (columns of unique values) → blocking → comparison levels → model
(fitted: u from random pairs, m by EM) → scores with term frequencies and
household support → clusters under constraints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from matching.block_arrays import parents_key
from matching.blocking import BlockingStats, candidate_pairs, cross_pairs
from matching.cluster import ClusterResult, cluster
from matching.coherence import coherent_persons
from matching.columns import Columns, build_columns
from matching.compare.pairs import compare_pairs
from matching.guards import Traits
from matching.model import (
    BIRTHS_OVERLAP,
    COMPARISON,
    COMPARISON_NAMES,
    FAMILY_AGREES,
    GIVEN_AGREES,
    PARENT_AGREES,
    FSModel,
    em_session,
    estimate_u,
)
from matching.phones import same_number_u
from matching.scoring import Scores, matches_per_record, score_levels

U_SAMPLE = 60_000
NAME_FIELDS = ("family_name", "given_names")
EM_SAMPLE = 400_000
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

    def pair_rows(self, min_band: str = "review") -> Iterable[tuple[Any, Any, float, str]]:
        """(id_a, id_b, probability, band) for pairs at or above `min_band`."""
        wanted = {"match"} if min_band == "match" else {"match", "review"}
        if min_band == "non_match":
            wanted.add("non_match")
        ids = self.columns.ids
        for k in np.flatnonzero(np.isin(self.bands, list(wanted))).tolist():
            yield (
                ids[int(self.a[k])],
                ids[int(self.b[k])],
                float(self.scores.probability[k]),
                str(self.bands[k]),
            )


def pair_bands(model: FSModel, scores: Scores) -> np.ndarray:
    """The band of each pair; a held pair (`matching.guards`) is never a `match`: it waits
    for a reviewer whatever its probability."""
    bands = model.bands(scores.probability)
    bands[(scores.held != 0) & (bands == "match")] = "review"
    return bands


def row_pairs(columns: Columns, pairs: Iterable[tuple[Any, Any]]) -> list[tuple[int, int]]:
    """Pairs of record ids as pairs of rows (a pair naming a record not here is dropped)."""
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


def random_pairs(n: int, count: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, size=count)
    b = rng.integers(0, n, size=count)
    keep = a != b
    return a[keep], b[keep]


def _training_pairs(columns: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Pairs that share both parents' given-name groups: blocked without looking at names."""
    return candidate_pairs(columns, kinds=[parents_key(columns)])[:2]


def same_family_pairs(
    columns: Columns, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of records whose family names fall in the same group."""
    values = columns.vocab["family"].values
    names: dict[str, int] = {}
    group_of_value = np.asarray([names.setdefault(v.group, len(names)) for v in values] or [0])
    known = np.flatnonzero(columns.family >= 0)
    groups = group_of_value[columns.family[known]]
    order = np.argsort(groups, kind="stable")
    rows, groups = known[order], groups[order]
    starts = np.searchsorted(groups, groups, side="left")
    ends = np.searchsorted(groups, groups, side="right")
    sizes = ends - starts
    eligible = np.flatnonzero(sizes > 1)
    if not len(eligible):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    first = rng.choice(eligible, count)
    offset = (rng.integers(1, sizes[first]) + (first - starts[first])) % sizes[first]
    second = starts[first] + offset
    return rows[first], rows[second]


def _sample(rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if len(rows) > EM_SAMPLE:
        return rows[rng.choice(len(rows), EM_SAMPLE, replace=False)]
    return rows


def fit_model(
    columns: Columns,
    a: np.ndarray,
    b: np.ndarray,
    levels: np.ndarray,
    start: FSModel | None = None,
    seed: int = 7,
) -> tuple[FSModel, dict[str, Any]]:
    """u from random pairs; m from EM sessions, each on pairs blocked on other fields.

    As Splink trains, every session selects pairs on some fields and learns m
    only for the others (the selecting fields agree by construction there):
    - birth and sex, on pairs whose names and father's name agree;
    - place, parents and sex, on pairs whose names agree and births overlap;
    - names, on pairs that share both parents' names and overlapping births.
    The prior (matches per record) is then found on this population's own
    blocked pairs, scored with the fitted weights (`scoring.matches_per_record`),
    so that probabilities mean the same at 2,000 records and at a million.
    """
    model = start or FSModel()
    n = len(columns)
    if n < 50 or len(a) < 50:
        return model, {"fitted": False, "reason": "too few records or pairs to fit"}
    rng = np.random.default_rng(seed)
    ra, rb = random_pairs(n, min(U_SAMPLE, n * 20), seed)
    u = estimate_u(compare_pairs(columns, ra, rb))
    # Random pairs almost never share a number: count the population's numbers instead.
    same_number = max(same_number_u(columns.phone), 1e-7)
    u["phone"] = [0.0, same_number, 1.0 - same_number]
    model = replace(model, u=u)
    fa, fb = same_family_pairs(columns, min(U_SAMPLE, n * 20), rng)
    same_family = compare_pairs(columns, fa, fb)
    others = COMPARISON["given_names"].among(
        same_family[:, COMPARISON_NAMES.index("given_names")], "different"
    )
    if others.sum() >= 1000:
        conditional = estimate_u(same_family[others])
        model = replace(model, u_same_family={"origin_place": conditional["origin_place"]})

    def among(name: str, chosen: np.ndarray, *wanted: str) -> np.ndarray:
        return COMPARISON[name].among(chosen[:, COMPARISON_NAMES.index(name)], *wanted)

    names_agree = among("family_name", levels, *FAMILY_AGREES) & among(
        "given_names", levels, *GIVEN_AGREES
    )
    father_agrees = among("father", levels, *PARENT_AGREES)
    births_overlap = among("birth", levels, *BIRTHS_OVERLAP)
    m = dict(model.m)
    sessions: dict[str, Any] = {}
    plan = (
        ("names_and_father_agree", names_agree & father_agrees, ("sex", "birth")),
        (
            "names_agree_births_overlap",
            names_agree & births_overlap,
            ("sex", "origin_place", "father", "mother"),
        ),
    )
    for name, selected, fields in plan:
        rows = _sample(np.flatnonzero(selected), rng)
        if len(rows) < 20:
            sessions[name] = {"pairs": len(rows), "skipped": "too few pairs"}
            continue
        learned, share, iterations = em_session(replace(model, m=m), levels[rows], fields)
        m.update(learned)
        sessions[name] = {
            "pairs": len(rows),
            "match_share": round(share, 4),
            "iterations": iterations,
        }
    ta, tb = _training_pairs(columns)
    training = compare_pairs(columns, ta, tb)
    overlap = among("birth", training, *BIRTHS_OVERLAP, "overlap_wide")
    rows = _sample(np.flatnonzero(overlap), rng)
    if len(rows) >= 20:
        learned, share, iterations = em_session(replace(model, m=m), training[rows], NAME_FIELDS)
        m.update(learned)
        sessions["parents_agree_births_overlap"] = {
            "pairs": len(rows),
            "match_share": round(share, 4),
            "iterations": iterations,
        }
    m = bounded_disagreement(m)
    per_record = matches_per_record(columns, a, b, levels, replace(model, m=m))
    info = {
        "records": n,
        "blocked_pairs": len(a),
        "random_pairs_for_u": len(ra),
        "sessions": sessions,
        "matches_per_record": round(per_record, 4),
    }
    fitted = replace(model, m=m, matches_per_record=per_record, notes={**model.notes, **info})
    fitted = replace(fitted, version=fitted_version(fitted))
    return fitted, {"fitted": True, **info}


BOUNDED_DISAGREEMENT = (("birth", "further"), ("origin_place", "different"))
"""Disagreements whose fitted m may not exceed the declared one.

EM's selections hold relatives: siblings share parents and a village, namesakes a
name and a father, and they are born years apart. Fitted on them, m of births more
than five years apart came out 0.148 against a true 0.012 (default profile, 23k
records), and of different places 0.042 against 0.001, which deflates every
agreeing level. Bounding those two at their declared m (0.03, 0.10) gave more recall
for little precision (patronymic profile: R 0.545 -> 0.594, P 0.984 -> 0.973);
bounding given names "different" too cost 3 points of precision there, so it stays
as fitted.
"""


def bounded_disagreement(m: dict[str, list[float]]) -> dict[str, list[float]]:
    """`m` with each level of `BOUNDED_DISAGREEMENT` at most its declared m, the other
    known levels scaled up to keep the sum at one."""
    bounded = dict(m)
    for name, level in BOUNDED_DISAGREEMENT:
        comparison = COMPARISON[name]
        at, cap = comparison.index(level), comparison.prior_m[comparison.index(level)]
        row = list(bounded[name])
        rest = sum(row[1:]) - row[at]
        if row[at] <= cap or rest <= 0:
            continue
        scale = (1.0 - cap) / rest
        bounded[name] = [
            0.0 if k == comparison.missing else cap if k == at else v * scale
            for k, v in enumerate(row)
        ]
    return bounded


def fitted_version(model: FSModel) -> str:
    """`mali-fs-v1+<digest of the parameters>`: the same parameters, the same version."""
    parameters = json.dumps(
        [model.m, model.u, model.u_same_family, model.matches_per_record],
        sort_keys=True,
        default=float,
    )
    return "mali-fs-v1+" + hashlib.blake2b(parameters.encode(), digest_size=4).hexdigest()


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
    keep: str = "non_match",
) -> LinkResult:
    """Deduplicate a population; decisions (must/cannot link, by record id) are respected.

    `rescore` turns scores into final probabilities (a model learned from reviewers'
    decisions); by default the Fellegi-Sunter probability stands. The result holds the
    pairs at or above band `keep` (`non_match`: every candidate pair); at a million
    records almost all of the tens of millions of candidate pairs are non-matches, and
    dropping them once scored keeps the memory small. Clustering only follows matches.
    """
    import time

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = now - clock
        clock = now
        if on_stage is not None:
            on_stage(name)

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
    if rescore is not None:
        scores = replace(scores, probability=rescore(scores))
    if keep != "non_match":
        floor = model.match_threshold if keep == "match" else model.review_threshold
        kept = np.flatnonzero(scores.probability >= floor)
        a, b, scores = a[kept], b[kept], scores.take(kept)
    bands = pair_bands(model, scores)
    stage("score")
    must, cannot = row_pairs(columns, must_link), row_pairs(columns, cannot_link)
    clusters = cluster_scored(columns, a, b, scores, model, must, cannot)
    labels, incoherent = coherent_persons(
        columns, clusters.labels, a, b, scores.probability, model, must
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
) -> tuple[Columns, np.ndarray, np.ndarray, Scores, np.ndarray]:
    """Score new records against candidate records (from the blocking index) and each other.

    Returns the columns (new rows first), the pairs, their scores and bands.
    Pairs between two population records are not formed: those were scored before.
    Every new record is paired with every candidate (up to `CROSS_PAIRS` pairs: one
    record's candidates always), since the index found each by a key it shares with
    the import; beyond that, new records and candidates are blocked again.
    `population_size` is the number of stored records the candidates came from
    (it sets the prior); by default the records given. `on_stage` is told each stage's
    end (prepare, blocking, compare, score).
    """

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    columns = build_columns([*new, *population], id_field)
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
        scores = replace(scores, probability=rescore(scores))
    bands = pair_bands(model, scores)
    stage("score")
    return columns, a, b, scores, bands
