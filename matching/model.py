"""The match model: Fellegi-Sunter with term-frequency adjustment, as data.

The model holds, for each level of the comparisons declared in
`matching.comparisons` (ordered levels; the first, `missing`, carries no
evidence), the probability `m` of seeing it between two records of the same
person and `u` between two records of different people. `u` is estimated
from random pairs, `m` by EM on blocked pairs; both live in a JSON file that
is diffable in review. A pair's score is its prior log2-odds plus, per field,
log2(m / u); names that agree get the term-frequency adjustment
log2(u / tf(name)) (for a family name, the u of any agreement:
`frequencies.TF_LEVELS_SPLIT_THE_SHARE`), so that an agreement on Traoré proves
less than one on Ongoïba. The bands' thresholds (match from 0.8, review from
0.1) are read on probabilities meant to be calibrated at every size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from matching.comparisons import COMPARISONS, Comparison

# Starting points for EM and the model used before any data has been seen.
_PRIOR_M: dict[str, tuple[float, ...]] = {c.name: c.prior_m for c in COMPARISONS}
_PRIOR_U: dict[str, tuple[float, ...]] = {c.name: c.prior_u for c in COMPARISONS}
_BAND_NAMES = np.array(["non_match", "review", "match"], dtype=object)
PROBABILITY_FLOOR = 1e-6
SCORING = (
    "family-share-once+near-spelling-capped+u-from-1m-pairs+bands-0.8-0.1+population-shares"
    "+near-family-place+given-m-where-identity-established"
)
"""How a model's m and u are read (a family name's levels divide one share of the
population, `frequencies.TF_LEVELS_SPLIT_THE_SHARE`; a near spelling weighs no more than
the commoner name written alike, `frequencies.NEAR_SPELLINGS_CAPPED`), how u is drawn
(up to a million random pairs, `fitting.U_SAMPLE`) and the bands its probabilities are
cut into (`MATCH_THRESHOLD`, `REVIEW_THRESHOLD`), where the given names' m is learned
(`fitting.fit_model`), and whether it carries the population's
name shares that a new record's pairs are scored with (`common_shares`) and the u of a
place between near spellings of a family name (`u_near_family`). A stored model
fitted by a code that read them or cut them otherwise is stale: its probabilities would
not mean what they say, or its bands not what this code decides, and the next import
links the whole population again, which refits it (and, since 2026-12-05, parts persons
an earlier relink had put under one entity: `service.relinking.entity_assignment`)."""
MATCH_THRESHOLD = 0.8
"""From this probability a pair is merged without a reviewer; from `REVIEW_THRESHOLD`
it goes to one.

A false merge is the worst error this service can make (a tracing officer sent to the
wrong family, a suspect's record joined to a child's); a pair below the threshold is not
lost but goes to a reviewer. First set at 0.7 on the seven tuning profiles at 23k
records, when the fitted m of different given names was several times too high (learned
among siblings) and every probability under-confident: pairs predicted 0.5-0.8 were the
same person 80-86 % of the time. Once the given names' m is learned where the other
fields establish identity (`fitting.identity_established`), predictions from 0.8 up are
near what they mean (mixed profile, 23k records: predicted 0.85, 0.93, 0.97, observed
0.90, 0.93, 0.94; still under-confident below 0.8, and over-confident above 0.95 where
names are few), and merging from 0.7 gave mixed a precision of 0.944 at 23k records. At
0.75 it was 0.952 at 23k but 0.945 at 247k; at 0.8, 0.959, 0.954 and 0.960 at 23k, 247k
and a million. Against the engine before (0.7, given names' m among siblings), F1 at
23k / 247k records: default 0.874 -> 0.859 / 0.832 -> 0.821, mixed 0.402 -> 0.448 /
0.361 -> 0.416, patronymic 0.712 -> 0.759 / 0.584 -> 0.665. Measured at every size in
the README ("Accuracy at scale")."""
REVIEW_THRESHOLD = 0.1
PRIOR_STRENGTH = 5.0
"""Pseudo-pairs of the declared m added in EM: a level unseen in a small session stays possible."""


@dataclass
class FSModel:
    """m and u per comparison level, the prior, the bands' thresholds and a version."""

    version: str = "mali-fs-prior"
    matches_per_record: float = 0.5
    """How many other records of the same person a record has on average (EM estimates it).

    The prior probability that two random records match is this over (n - 1),
    so the same model serves a file of 2,000 records and a store of a million.
    """
    m: dict[str, list[float]] = field(
        default_factory=lambda: {k: list(v) for k, v in _PRIOR_M.items()}
    )
    u: dict[str, list[float]] = field(
        default_factory=lambda: {k: list(v) for k, v in _PRIOR_U.items()}
    )
    u_same_family: dict[str, list[float]] = field(default_factory=dict)
    """u of some comparisons among pairs whose family names agree (a lineage shares a
    village: for two Maïga, being from the same village proves much less)."""
    u_near_family: dict[str, list[float]] = field(default_factory=dict)
    """The same u among pairs whose family names are near spellings
    (`comparisons.FAMILY_NEAR`): "Diawara" and "Jawafa" share a village seven times as
    often as two records at random (random pairs of the mixed profile, 23k records)."""
    match_threshold: float = MATCH_THRESHOLD
    review_threshold: float = REVIEW_THRESHOLD
    tf_floor: float = 1e-4
    common_shares: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per grouped name, the population's share of each group common enough to weigh
    (`frequencies.common_shares`): what a new record's few candidates cannot tell."""
    written_shares: dict[str, float] = field(default_factory=dict)
    """Per term-frequency field, the share of the population's records that write it."""
    notes: dict[str, Any] = field(default_factory=dict)

    def weight_table(self) -> dict[str, np.ndarray]:
        """log2(m/u) per level; the `missing` level weighs nothing."""
        table: dict[str, np.ndarray] = {}
        for comparison in COMPARISONS:
            m = np.maximum(np.asarray(self.m[comparison.name], dtype=float), PROBABILITY_FLOOR)
            u = np.maximum(np.asarray(self.u[comparison.name], dtype=float), PROBABILITY_FLOOR)
            weights = np.log2(m / u)
            weights[comparison.missing] = 0.0
            table[comparison.name] = weights
        return table

    def prior_log2_odds(self, population: int) -> float:
        """log2 odds that two random records of a population of this size match."""
        prior = min(self.matches_per_record / max(population - 1, 1), 0.5)
        return float(np.log2(prior / (1 - prior)))

    def band(self, probability: float) -> str:
        if probability >= self.match_threshold:
            return "match"
        if probability >= self.review_threshold:
            return "review"
        return "non_match"

    def bands(self, probabilities: np.ndarray) -> np.ndarray:
        """The band of each probability, as an array of the three band names."""
        review = (probabilities >= self.review_threshold).astype(np.int8)
        return _BAND_NAMES[np.where(probabilities >= self.match_threshold, 2, review)]

    def to_json(self) -> str:
        document = {
            "version": self.version,
            "scoring": SCORING,
            "matches_per_record": self.matches_per_record,
            "match_threshold": self.match_threshold,
            "review_threshold": self.review_threshold,
            "tf_floor": self.tf_floor,
            "written_shares": self.written_shares,
            "common_shares": self.common_shares,
            "u_same_family": {k: [round(x, 6) for x in v] for k, v in self.u_same_family.items()},
            "u_near_family": {k: [round(x, 6) for x in v] for k, v in self.u_near_family.items()},
            "comparisons": {
                c.name: {
                    "levels": list(c.levels),
                    "tf_levels": list(c.tf_levels),
                    "m": [round(x, 6) for x in self.m[c.name]],
                    "u": [round(x, 6) for x in self.u[c.name]],
                }
                for c in COMPARISONS
            },
            "notes": self.notes,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> FSModel:
        document = json.loads(text)
        if document.get("scoring") != SCORING:
            raise ValueError("the model was fitted for another way of scoring")
        comparisons = document["comparisons"]
        for c in COMPARISONS:
            if tuple(comparisons[c.name]["levels"]) != c.levels:
                raise ValueError(f"model levels for {c.name} differ from the code's")
        return cls(
            version=document["version"],
            matches_per_record=document["matches_per_record"],
            m={k: v["m"] for k, v in comparisons.items()},
            u={k: v["u"] for k, v in comparisons.items()},
            match_threshold=document["match_threshold"],
            review_threshold=document["review_threshold"],
            tf_floor=document.get("tf_floor", 1e-4),
            u_same_family=document.get("u_same_family", {}),
            u_near_family=document.get("u_near_family", {}),
            common_shares=document.get("common_shares", {}),
            written_shares=document.get("written_shares", {}),
            notes=document.get("notes", {}),
        )

    def save(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> FSModel:
        return cls.from_json(path.read_text(encoding="utf-8"))


def same_family_weights(model: FSModel) -> dict[str, np.ndarray]:
    """log2(m / u given agreeing family names) for the comparisons that have such a u."""
    return _conditional_weights(model, model.u_same_family)


def near_family_weights(model: FSModel) -> dict[str, np.ndarray]:
    """log2(m / u given family names of near spellings) for the comparisons that have
    such a u."""
    return _conditional_weights(model, model.u_near_family)


def _conditional_weights(
    model: FSModel, conditional_u: dict[str, list[float]]
) -> dict[str, np.ndarray]:
    table: dict[str, np.ndarray] = {}
    for comparison in COMPARISONS:
        u = conditional_u.get(comparison.name)
        if not u:
            continue
        m = np.maximum(np.asarray(model.m[comparison.name], dtype=float), PROBABILITY_FLOOR)
        weights = np.log2(m / np.maximum(np.asarray(u, dtype=float), PROBABILITY_FLOOR))
        weights[comparison.missing] = 0.0
        table[comparison.name] = weights
    return table


def contributions(
    model: FSModel, levels: np.ndarray, tf_adjust: np.ndarray | None = None
) -> np.ndarray:
    """Per-pair, per-comparison log2 Bayes factors: shape (pairs, comparisons)."""
    table = model.weight_table()
    out = np.empty(levels.shape, dtype=float)
    for k, comparison in enumerate(COMPARISONS):
        out[:, k] = table[comparison.name][levels[:, k]]
    if tf_adjust is not None:
        out += tf_adjust
    return out


ODDS_CLIP = 1e-9
"""How near 0 or 1 a probability is taken when turned back into odds: a probability of 0
or 1 is rounded, never certain, and a model read from a file must not meet an infinity."""


def log2_odds(probability: np.ndarray) -> np.ndarray:
    """The log2 odds of probabilities (float64), the inverse of `probability_from_log2_odds`."""
    p = np.clip(np.asarray(probability, dtype=np.float64).reshape(-1), ODDS_CLIP, 1 - ODDS_CLIP)
    return np.log2(p) - np.log2(1 - p)


def probability_from_log2_odds(log2_odds: np.ndarray, in_place: bool = False) -> np.ndarray:
    """1 / (1 + 2^-x), worked out in one array (tens of millions of pairs: no temporaries);
    `in_place` overwrites the (float) log-odds with the probabilities."""
    out = log2_odds if in_place else np.array(log2_odds)
    if not np.issubdtype(out.dtype, np.floating):
        out = out.astype(float)
    np.clip(out, -60, 60, out=out)
    np.negative(out, out=out)
    np.exp2(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def estimate_u(
    levels: np.ndarray, comparisons: Sequence[Comparison] = COMPARISONS
) -> dict[str, list[float]]:
    """u per level from comparisons of random pairs (almost all of them non-matches)."""
    u: dict[str, list[float]] = {}
    for k, comparison in enumerate(comparisons):
        counts = np.bincount(levels[:, k], minlength=len(comparison.levels)).astype(float)
        counts[comparison.missing] = 0
        counts += 0.5  # a level never seen at random is rare, not impossible
        counts[comparison.missing] = 0
        u[comparison.name] = list(counts / counts.sum())
    return u


class MatchParameters(Protocol):
    """What EM reads of a model: m and u per comparison, by name."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]


def _patterns(levels: np.ndarray, columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `levels[:, columns]` and how many pairs show each.

    EM reads a pair only through its levels: hundreds of thousands of pairs show a
    few thousand patterns, so each iteration runs over the patterns, weighted.
    """
    chosen = levels[:, columns].astype(np.int64)
    if not len(chosen):
        return chosen, np.zeros(0)
    code = np.zeros(len(chosen), dtype=np.int64)
    for j in range(len(columns)):
        code = code * (int(chosen[:, j].max()) + 1) + chosen[:, j]
    _, first, counts = np.unique(code, return_index=True, return_counts=True)
    return chosen[first], counts.astype(float)


def em_session(
    model: MatchParameters,
    levels: np.ndarray,
    fields: tuple[str, ...],
    iterations: int = 60,
    prior: float = 0.1,
    learn_m: bool = True,
    comparisons: Sequence[Comparison] = COMPARISONS,
    prior_m: Mapping[str, Sequence[float]] = _PRIOR_M,
) -> tuple[dict[str, list[float]], float, int]:
    """EM for the m of `fields` on pairs blocked on other fields, u held fixed.

    Fields used to select the pairs are left out: they agree by construction
    in the session, so they carry no information about m there (Splink's
    way of training). Returns the new m of `fields`, the share of matches in
    the session's pairs, and the iterations run. `comparisons` are the columns
    of `levels` and `prior_m` their declared m (the Malian ones by default).
    """
    chosen = [(k, c) for k, c in enumerate(comparisons) if c.name in fields]
    m = {c.name: np.asarray(model.m[c.name], dtype=float) for _, c in chosen}
    u = {c.name: np.asarray(model.u[c.name], dtype=float) for _, c in chosen}
    patterns, counts = _patterns(levels, [k for k, _ in chosen])
    total = float(counts.sum())
    done = 0
    while done < iterations:
        done += 1
        log_ratio = np.full(len(patterns), np.log(prior / (1 - prior)))
        for j, (_, comparison) in enumerate(chosen):
            lv = patterns[:, j]
            known = lv != comparison.missing
            ratio = np.maximum(m[comparison.name], PROBABILITY_FLOOR) / np.maximum(
                u[comparison.name], PROBABILITY_FLOOR
            )
            log_ratio[known] += np.log(ratio[lv[known]])
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -50, 50)))
        expected = posterior * counts
        for j, (_, comparison) in enumerate(chosen if learn_m else ()):
            lv = patterns[:, j]
            known = lv != comparison.missing
            weights = np.bincount(
                lv[known], weights=expected[known], minlength=len(comparison.levels)
            ).astype(float)
            weights += PRIOR_STRENGTH * np.asarray(prior_m[comparison.name], dtype=float)
            weights[comparison.missing] = 0
            m[comparison.name] = weights / weights.sum()
        new_prior = float(np.clip(expected.sum() / max(total, 1.0), 1e-6, 1 - 1e-6))
        converged = abs(new_prior - prior) < 1e-7
        prior = new_prior
        if converged:
            break
    return {k: list(v) for k, v in m.items()}, prior, done


SHIPPED_MODEL = Path(__file__).parent / "data" / "model-mali-fs-v1.json"


def default_model() -> FSModel:
    """The shipped model (fitted on the generated Malian set), or the priors without it."""
    if SHIPPED_MODEL.exists():
        return FSModel.load(SHIPPED_MODEL)
    return FSModel()
