"""Accuracy of a clustering at a million records: counted from integer labels, never from
sets of pairs.

Every measure here is a function of the contingency table between predicted clusters
and true persons (how many records each (cluster, person) cell holds), so it costs a
few ``numpy.unique`` calls over the records, whatever the size of the clusters. The
definitions are those of ``bench.metrics`` (which enumerates pairs and serves small
sets): a pair counts for a category (a naming group, a sex) when one of its records
is in it.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from matching.model import FSModel

CALIBRATION_EDGES = (FSModel().review_threshold, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
"""Bands of predicted match probability from the review threshold: [0.1, 0.2), ..., [0.99, 1.0]."""


@dataclass(frozen=True)
class Truth:
    """The true person, naming group and sex of each row, in the rows' order."""

    person: np.ndarray
    group: np.ndarray
    sex: np.ndarray
    groups: tuple[str, ...]
    sexes: tuple[str, ...]
    twins: tuple[tuple[int, int], ...]
    """Pairs of person codes that are twins (two different persons)."""


def read_truth(path: Path, ids: Sequence[str], groups: Sequence[str]) -> Truth:
    """``truth.csv`` aligned with ``ids`` (the rows' record ids), streamed."""
    row_of = {record_id: row for row, record_id in enumerate(ids)}
    n = len(ids)
    person = np.full(n, -1, dtype=np.int64)
    group = np.full(n, -1, dtype=np.int16)
    sex = np.full(n, -1, dtype=np.int16)
    person_code: dict[str, int] = {}
    group_code = {g: k for k, g in enumerate(groups)}
    sexes = ("F", "M", "?")
    twin_names: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            row = row_of.get(r["record_id"])
            if row is None:
                continue
            person[row] = person_code.setdefault(r["person_id"], len(person_code))
            group[row] = group_code[r["naming_group"]]
            sex[row] = sexes.index(r["sex"] if r["sex"] in ("F", "M") else "?")
            if r["twin_of_person_id"]:
                twin_names.add(tuple(sorted((r["person_id"], r["twin_of_person_id"]))))  # type: ignore[arg-type]
    if (person < 0).any():
        raise ValueError(f"{int((person < 0).sum())} rows have no truth in {path}")
    twins = tuple(
        (person_code[x], person_code[y])
        for x, y in sorted(twin_names)
        if x in person_code and y in person_code
    )
    return Truth(person, group, sex, tuple(groups), sexes, twins)


def codes(labels: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Any labels as dense integer codes 0..k-1 (equal labels, equal codes)."""
    return np.unique(np.asarray(labels), return_inverse=True)[1].astype(np.int64)


def labels_in_order(assignment: Mapping[str, Any], ids: Sequence[str]) -> np.ndarray:
    """A `{record_id: label}` clustering as codes in the rows' order (a missing record
    is alone)."""
    missing = iter(range(-1, -len(ids) - 1, -1))
    raw = [str(assignment[i]) if i in assignment else f"\x00{next(missing)}" for i in ids]
    return codes(raw)


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def _prf(hits: int, predicted: int, true: int) -> dict[str, float]:
    precision = hits / predicted if predicted else 1.0
    recall = hits / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": true,
        "predicted_pairs": predicted,
    }


@dataclass(frozen=True)
class Table:
    """The contingency table of predicted codes against true persons."""

    predicted: np.ndarray  # code per row
    person: np.ndarray  # code per row
    cluster_size: np.ndarray  # per predicted code
    person_size: np.ndarray  # per person code
    cell_size: np.ndarray  # per cell
    cell_of_row: np.ndarray  # cell per row

    @classmethod
    def of(cls, predicted: np.ndarray, person: np.ndarray) -> Table:
        cells = predicted.astype(np.int64) * (int(person.max(initial=0)) + 1) + person
        _, cell_of_row, cell_size = np.unique(cells, return_inverse=True, return_counts=True)
        return cls(
            predicted,
            person,
            np.bincount(predicted),
            np.bincount(person),
            cell_size,
            cell_of_row,
        )

    def pairwise(self) -> dict[str, float]:
        return _prf(_pairs(self.cell_size), _pairs(self.cluster_size), _pairs(self.person_size))

    def pairwise_by(self, category: np.ndarray, names: Sequence[str]) -> dict[str, dict]:
        """Pairwise accuracy per category of row (constant within a true person)."""
        cell_category = np.zeros(len(self.cell_size), dtype=category.dtype)
        cell_category[self.cell_of_row] = category
        person_category = np.zeros(len(self.person_size), dtype=category.dtype)
        person_category[self.person] = category
        out: dict[str, dict] = {}
        for k, name in enumerate(names):
            inside = np.bincount(self.predicted[category == k], minlength=len(self.cluster_size))
            if not inside.any():
                continue
            outside = self.cluster_size - inside
            predicted = _pairs(self.cluster_size) - _pairs(outside)
            hits = _pairs(self.cell_size[cell_category == k])
            out[name] = _prf(hits, predicted, _pairs(self.person_size[person_category == k]))
        return out

    def bcubed(self) -> dict[str, float]:
        cell = self.cell_size[self.cell_of_row].astype(np.float64)
        precision = float((cell / self.cluster_size[self.predicted]).mean())
        recall = float((cell / self.person_size[self.person]).mean())
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    def largest(self) -> dict[str, int]:
        return {
            "predicted": int(self.cluster_size.max(initial=0)),
            "truth": int(self.person_size.max(initial=0)),
        }

    def twins_merged(self, twins: Sequence[tuple[int, int]]) -> dict[str, float]:
        """Twin pairs (two true persons) with records in one predicted cluster."""
        wanted = {p for pair in twins for p in pair}
        clusters: dict[int, set[int]] = {p: set() for p in wanted}
        rows = np.flatnonzero(np.isin(self.person, list(wanted)))
        for row in rows.tolist():
            clusters[int(self.person[row])].add(int(self.predicted[row]))
        merged = sum(1 for x, y in twins if clusters[x] & clusters[y])
        return {
            "twin_pairs": len(twins),
            "merged": merged,
            "merged_share": round(merged / len(twins), 4) if twins else 0.0,
        }


def accuracy(table: Table, truth: Truth, seconds: float) -> dict[str, Any]:
    """The accuracy of one tool's clustering, as `bench.accuracy` reports it."""
    return {
        "seconds": round(seconds, 2),
        "pairwise": table.pairwise(),
        "bcubed": table.bcubed(),
        "by_group": table.pairwise_by(truth.group, truth.groups),
        "by_sex": table.pairwise_by(truth.sex, truth.sexes),
        "largest": table.largest(),
        "twins": table.twins_merged(truth.twins),
    }


def _precision(same: np.ndarray) -> dict[str, float]:
    pairs = int(same.size)
    hits = int(same.sum())
    return {"pairs": pairs, "true": hits, "precision": round(hits / pairs, 4) if pairs else 1.0}


def scored_pairs(
    a: np.ndarray,
    b: np.ndarray,
    probability: np.ndarray,
    band: np.ndarray,
    table: Table,
    match_threshold: float,
    edges: Sequence[float] = CALIBRATION_EDGES,
) -> dict[str, Any]:
    """What the engine's kept pairs (a[k], b[k], probability[k], band[k]) say: review
    load, the precision of what it merged by itself (pairs scored as matches, and pairs
    joined only through chains of them), and calibration (observed precision per band of
    predicted probability)."""
    n = len(table.predicted)
    same = table.person[a] == table.person[b]
    together = table.predicted[a] == table.predicted[b]
    direct = probability >= match_threshold
    clustered_pairs, clustered_true = _pairs(table.cluster_size), _pairs(table.cell_size)
    direct_together = direct & together
    chained_pairs = clustered_pairs - int(direct_together.sum())
    chained_true = clustered_true - int((direct_together & same).sum())
    review = band == "review"
    calibration = []
    for lo, hi in pairwise(edges):
        inside = (probability >= lo) & ((probability < hi) if hi < 1.0 else (probability <= hi))
        row = {"band": f"[{lo}, {hi}{']' if hi >= 1.0 else ')'}", **_precision(same[inside])}
        row["mean_probability"] = (
            round(float(probability[inside].mean()), 4) if inside.any() else None
        )
        calibration.append(row)
    return {
        "review_pairs": int(review.sum()),
        "review_pairs_per_record": round(int(review.sum()) / max(n, 1), 3),
        "review_precision": _precision(same[review])["precision"],
        "scored_matches": _precision(same[direct]),
        "automatic": {
            "pairs": clustered_pairs,
            "true": clustered_true,
            "precision": round(clustered_true / clustered_pairs, 4) if clustered_pairs else 1.0,
        },
        "chained": {
            "pairs": chained_pairs,
            "true": chained_true,
            "precision": round(chained_true / chained_pairs, 4) if chained_pairs else 1.0,
        },
        "calibration": calibration,
    }


def blocking(a: np.ndarray, b: np.ndarray, truth: Truth, dropped_blocks: int) -> dict[str, Any]:
    """Pairs completeness (overall and per naming group) and reduction ratio of unique
    candidate pairs."""
    n = len(truth.person)
    same = truth.person[a] == truth.person[b]
    person_size = np.bincount(truth.person)
    person_group = np.zeros(len(person_size), dtype=truth.group.dtype)
    person_group[truth.person] = truth.group
    found_by_group = np.bincount(truth.group[a[same]], minlength=len(truth.groups))
    per_group = {}
    for k, g in enumerate(truth.groups):
        true_pairs = _pairs(person_size[person_group == k])
        if true_pairs:
            per_group[g] = round(int(found_by_group[k]) / true_pairs, 4)
    true_total = _pairs(person_size)
    return {
        "records": n,
        "candidate_pairs": int(a.size),
        "pairs_per_record": round(int(a.size) / max(n, 1), 2),
        "true_pairs": true_total,
        "pairs_completeness": round(int(same.sum()) / max(true_total, 1), 4),
        "pairs_completeness_by_group": per_group,
        "reduction_ratio": round(1 - int(a.size) / (n * (n - 1) / 2), 6) if n > 1 else 1.0,
        "dropped_blocks": dropped_blocks,
    }


def m_against_truth(
    levels: np.ndarray, comparisons: Sequence[Any], fitted: Mapping[str, Sequence[float]]
) -> dict[str, Any]:
    """Per comparison: how often it is written on both sides of a true pair, and each
    level's m as the model fitted it beside its share among the true pairs where it is
    written (what m means). Where the two part, the fit went wrong on that population."""
    out: dict[str, Any] = {}
    for k, comparison in enumerate(comparisons):
        column = levels[:, k]
        present = column != comparison.missing
        counts = np.bincount(column[present], minlength=len(comparison.levels))
        total = max(int(present.sum()), 1)
        out[comparison.name] = {
            "present": round(float(present.mean()) if len(column) else 0.0, 4),
            "levels": {
                level: [round(float(fitted[comparison.name][i]), 4), round(counts[i] / total, 4)]
                for i, level in enumerate(comparison.levels)
                if i != comparison.missing
            },
        }
    return out
