"""Accuracy of a clustering against ground truth: pairwise and B-cubed, overall and per group."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any


def _pairs_within(clusters: Mapping[Any, list[str]]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for members in clusters.values():
        ordered = sorted(members)
        for i, x in enumerate(ordered):
            for y in ordered[i + 1 :]:
                pairs.add((x, y))
    return pairs


def _group(assignment: Mapping[str, Any]) -> dict[Any, list[str]]:
    out: dict[Any, list[str]] = defaultdict(list)
    for record, label in assignment.items():
        out[label].append(record)
    return out


def pairwise(
    predicted: Mapping[str, Any], truth: Mapping[str, Any], records: set[str] | None = None
) -> dict[str, float]:
    """Precision/recall/F1 over record pairs; `records` restricts the pairs counted to those
    with at least one record in the set (e.g. one naming group)."""
    predicted_pairs = _pairs_within(_group(predicted))
    true_pairs = _pairs_within(_group(truth))
    if records is not None:
        predicted_pairs = {p for p in predicted_pairs if p[0] in records or p[1] in records}
        true_pairs = {p for p in true_pairs if p[0] in records or p[1] in records}
    hits = len(predicted_pairs & true_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": len(true_pairs),
        "predicted_pairs": len(predicted_pairs),
    }


def bcubed(
    predicted: Mapping[str, Any], truth: Mapping[str, Any], records: set[str] | None = None
) -> dict[str, float]:
    predicted_groups = {k: set(v) for k, v in _group(predicted).items()}
    true_groups = {k: set(v) for k, v in _group(truth).items()}
    chosen = records if records is not None else set(truth)
    precision = recall = 0.0
    for record in chosen:
        mine = predicted_groups[predicted[record]]
        real = true_groups[truth[record]]
        overlap = len(mine & real)
        precision += overlap / len(mine)
        recall += overlap / len(real)
    n = max(len(chosen), 1)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def twin_merges(
    predicted: Mapping[str, Any], truth: Mapping[str, Any], twin_of: Mapping[str, str]
) -> dict[str, float]:
    """Share of twin pairs (two different true persons) whose records were merged."""
    by_person: dict[str, list[str]] = defaultdict(list)
    for record, person in truth.items():
        by_person[person].append(record)
    pairs = {
        tuple(sorted((p, t))) for p, t in twin_of.items() if t and p in by_person and t in by_person
    }
    merged = 0
    for p, t in pairs:
        labels_p = {predicted[r] for r in by_person[p]}
        labels_t = {predicted[r] for r in by_person[t]}
        merged += bool(labels_p & labels_t)
    return {
        "twin_pairs": len(pairs),
        "merged": merged,
        "merged_share": round(merged / len(pairs), 4) if pairs else 0.0,
    }


def group_sizes(assignment: Mapping[str, Any]) -> Counter[int]:
    return Counter(len(v) for v in _group(assignment).values())
