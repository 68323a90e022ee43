"""Fitting the Fellegi-Sunter model on the population being linked.

u comes from random pairs (a shared phone number from the population's own numbers),
m from EM sessions, each on pairs blocked on other fields (Splink's way), with the m of
some disagreements bounded by the declared m; the prior is then found on the
population's blocked pairs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import numpy as np

from matching.block_arrays import parents_key
from matching.blocking import candidate_pairs
from matching.columns import Columns
from matching.compare.pairs import compare_pairs
from matching.comparisons import (
    BIRTHS_OVERLAP,
    COMPARISON,
    COMPARISON_NAMES,
    FAMILY_AGREES,
    FAMILY_NEAR,
    GIVEN_AGREES,
    PARENT_AGREES,
)
from matching.frequencies import common_shares, written_shares
from matching.model import PROBABILITY_FLOOR, SCORING, FSModel, em_session, estimate_u
from matching.phones import same_number_u
from matching.scoring import matches_per_record

U_SAMPLE = 1_000_000
"""Random pairs (at most 20 per record) whose levels give u, and as many pairs of one
family name for the village's u among them. With 60,000, u of the rare agreements
(one village: about 50 pairs in 60,000) moved with the draw: the namesakes profile's
precision at 23k records went from 0.949 to 0.954 with the fit's seed alone, 0.952 to
0.953 with 478,000 pairs; comparing them takes well under a second at a million."""
NAME_FIELDS = ("family_name", "given_names")
EM_SAMPLE = 400_000


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


NEAR_FAMILY_PSEUDO_PAIRS = 200
"""How many random pairs' worth of the population's u a near-spelling u starts from: a
few hundred pairs of near family names (at 23k records) move it, a few dozen barely."""
NEAR_FAMILY_FIELDS = ("origin_place",)


def near_family_u(levels: np.ndarray, u: dict[str, list[float]]) -> dict[str, list[float]]:
    """u of `NEAR_FAMILY_FIELDS` among random pairs whose family names are near spellings
    (`comparisons.FAMILY_NEAR`) and whose given names differ (so that almost none is one
    person), drawn towards the population's `u` by `NEAR_FAMILY_PSEUDO_PAIRS`.

    Such pairs are mostly one family name mistyped: a lineage's records, which share a
    village far more often than two records at random (mixed profile, 23k records: 0.0101
    against 0.0014). Scored with the population's u, two namesakes of one village whose
    family name one clerk mistyped gained 8.7 bits where the same pair spelt alike gained
    4.1."""
    family = levels[:, COMPARISON_NAMES.index("family_name")]
    given = levels[:, COMPARISON_NAMES.index("given_names")]
    near = COMPARISON["family_name"].among(family, *FAMILY_NEAR) & COMPARISON["given_names"].among(
        given, "different"
    )
    out: dict[str, list[float]] = {}
    for name in NEAR_FAMILY_FIELDS:
        comparison = COMPARISON[name]
        counts = np.bincount(
            levels[near, COMPARISON_NAMES.index(name)], minlength=len(comparison.levels)
        ).astype(float)
        counts[comparison.missing] = 0.0
        prior = np.asarray(u[name], dtype=float) * NEAR_FAMILY_PSEUDO_PAIRS
        prior[comparison.missing] = 0.0
        counts += prior
        out[name] = list(counts / counts.sum())
    return out


def identity_established(levels: np.ndarray) -> np.ndarray:
    """Pairs whose identity the fields other than the given names establish: family names
    agree, births overlap within about a year, same sex, same village.

    The given names' m is learned on them. Learned among pairs that share both parents'
    names, as the names' m is, it took in siblings: m of different given names came out
    0.117 at 23k records, 0.207 at 247k and 0.254 at a million (default profile; true:
    about 0.02), 0.468 on the mixed profile (true 0.047) and 0.604 on the patronymic one
    (true 0.060), which deflated every agreement of given names, more so as the registry
    grew. Siblings are born years apart; on these pairs m of different given names comes
    out 0.007 to 0.045 at 23k records (true: 0.017 to 0.086 across the profiles), but
    0.001 to 0.004 at 247k records and a million, under the truth there: the few true
    pairs with two given names then score too low to reach the queue (a pair of different
    given names never merges without a reviewer whatever it scores, `guards`)."""
    return (
        among("family_name", levels, *FAMILY_AGREES)
        & among("birth", levels, *BIRTHS_OVERLAP)
        & among("sex", levels, "same")
        & among("origin_place", levels, "same_village")
    )


def among(name: str, levels: np.ndarray, *wanted: str) -> np.ndarray:
    """Which pairs' level of comparison `name` is one of `wanted`."""
    return COMPARISON[name].among(levels[:, COMPARISON_NAMES.index(name)], *wanted)


def _learn(
    model: FSModel,
    m: dict[str, list[float]],
    levels: np.ndarray,
    selected: np.ndarray,
    fields: tuple[str, ...],
    rng: np.random.Generator,
) -> dict[str, Any]:
    """One EM session on a sample of the `selected` pairs, learning the m of `fields` into
    `m` (the other fields' m as `m` holds them); what the session did."""
    rows = _sample(np.flatnonzero(selected), rng)
    if len(rows) < 20:
        return {"pairs": len(rows), "skipped": "too few pairs"}
    learned, share, iterations = em_session(replace(model, m=m), levels[rows], fields)
    m.update(learned)
    return {"pairs": len(rows), "match_share": round(share, 4), "iterations": iterations}


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
    - names, on pairs that share both parents' names and overlapping births;
    - given names again, on pairs whose other fields establish identity
      (`identity_established`): the session before takes in siblings.
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
    random_levels = compare_pairs(columns, ra, rb)
    u = estimate_u(random_levels)
    # Random pairs almost never share a number: count the population's numbers instead.
    same_number = max(same_number_u(columns.phone), PROBABILITY_FLOOR)
    u["phone"] = [0.0, same_number, 1.0 - same_number]
    model = replace(model, u=u)
    fa, fb = same_family_pairs(columns, min(U_SAMPLE, n * 20), rng)
    same_family = compare_pairs(columns, fa, fb)
    others = among("given_names", same_family, "different")
    if others.sum() >= 1000:
        conditional = estimate_u(same_family[others])
        model = replace(model, u_same_family={"origin_place": conditional["origin_place"]})
    model = replace(model, u_near_family=near_family_u(random_levels, u))
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
        sessions[name] = _learn(model, m, levels, selected, fields, rng)
    ta, tb = _training_pairs(columns)
    training = compare_pairs(columns, ta, tb)
    overlap = among("birth", training, *BIRTHS_OVERLAP, "overlap_wide")
    later = (
        ("parents_agree_births_overlap", training, overlap, NAME_FIELDS),
        ("identity_established", levels, identity_established(levels), ("given_names",)),
    )
    for name, chosen, selected, fields in later:
        session = _learn(model, m, chosen, selected, fields, rng)
        if "skipped" not in session:  # these two leave no note when they do not run
            sessions[name] = session
    m = bounded_disagreement(m)
    model = replace(
        model, common_shares=common_shares(columns, model), written_shares=written_shares(columns)
    )
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
records) and m of different places 0.21 on the mixed profile (true: about 0.001),
which deflates every agreeing level. Bounding those two at their declared m (0.03,
0.10) gave more recall for little precision (patronymic profile: R 0.545 -> 0.594,
P 0.984 -> 0.973); bounding given names "different" too cost 3 points of precision
there, so it stays as fitted. Tried again on 2026-12-06 (23k records): bounded at 0.05
(and fathers' and mothers' "different" at 0.10), patronymic F1 0.712 -> 0.791, but mixed
precision 0.956 -> 0.932 and namesakes 0.951 -> 0.947; at 0.25, mixed still 0.943. The
ranking of pairs barely moves (recall of pair scores at precision 0.95: default 0.830 ->
0.833, mixed 0.206 -> 0.194, patronymic 0.560 -> 0.638): what moves is where the match
threshold falls, and mixed, the profile judged on, loses its 0.95.

Tried on 2026-12-07 (23k records) at the threshold of 0.7 and not kept then, kept later
that day with the match threshold at 0.8 (`identity_established`, `model.MATCH_THRESHOLD`):
the given names' m learned in a session of its own, on pairs whose identity the other
fields establish (family names agree, births overlap within a year, same sex, same
village: 899 to 1,754 pairs, EM's match share 0.86-0.98), gives m of different given
names 0.007-0.016 (true: 0.019-0.047): at 0.7, patronymic F1 0.712 -> 0.790 (P 0.979),
default 0.874 -> 0.880, mixed 0.411 -> 0.507 with P 0.956 -> 0.937 (its false merges are
names and a village with no birth or parents: family name fuzzy and given names of one
group, 22 false against 48 true). With every m read off the truth instead (what no fit
can beat): mixed F1 0.555 at P 0.924; default at 247k 0.833 -> 0.848: an exact m wins
back at most 1.5 of the 4 points F1 loses from 23k to 247k records.
"""


def bounded_disagreement(m: dict[str, list[float]]) -> dict[str, list[float]]:
    """`m` with each level of `BOUNDED_DISAGREEMENT` at most its declared m, the other
    known levels scaled up to keep the sum at one."""
    bounded = dict(m)
    for name, level in BOUNDED_DISAGREEMENT:
        comparison = COMPARISON[name]
        at, cap = comparison.index(level), comparison.prior_m[comparison.index(level)]
        row = list(bounded[name])
        rest = sum(v for k, v in enumerate(row) if k not in (comparison.missing, at))
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
        [
            SCORING,
            model.m,
            model.u,
            model.u_same_family,
            model.u_near_family,
            model.common_shares,
            model.written_shares,
            model.matches_per_record,
            model.match_threshold,
            model.review_threshold,
        ],
        sort_keys=True,
        default=float,
    )
    return "mali-fs-v1+" + hashlib.blake2b(parameters.encode(), digest_size=4).hexdigest()
