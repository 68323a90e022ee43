"""The stored reasons of many pairs as JSON text, each distinct reason worded once.

What `json.dumps(reasons_of(...))` gives for each pair, to the byte, for the hundreds of
thousands of pairs a relink keeps: each comparison's reason is worded and encoded once
per class of pairs it words alike (`matching.reason_classes`), the classes on every core
(a place's reason resolves both places in the gazetteer), then each pair's text is put
together from its classes' texts (a JSON list is its items' texts joined by ", ").
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from matching.columns import Columns
from matching.comparisons import COMPARISONS
from matching.explain import FieldReason, field_reason, pair_reasons
from matching.parallel import map_chunks
from matching.reason_classes import reason_classes
from matching.scoring import Scores
from service.scoring import stored_reason

CLASSES_CHUNK = 2_000
"""Classes one worker words at a time."""
PARALLEL_CLASSES = 5_000
"""From this many classes to word, they are worded on every core."""
_PLACE = next(i for i, c in enumerate(COMPARISONS) if c.name == "origin_place")


def _text(reason: FieldReason) -> str:
    return json.dumps(stored_reason(reason))


def encoded_reasons(
    columns: Columns, pairs: Sequence[tuple[int, int, int]], scores: Scores
) -> list[str]:
    """The reasons of every pair `(k, row_a, row_b)` (k: its index among `scores`) as
    JSON text, in the pairs' order."""
    if not pairs:
        return []
    ks, rows_a, rows_b = (np.array(c, dtype=np.int64) for c in zip(*pairs, strict=True))
    levels, weights = scores.levels[ks], scores.contributions[ks]
    fields = range(len(COMPARISONS))
    classes = [
        reason_classes(columns, f, levels[:, f], weights[:, f], rows_a, rows_b) for f in fields
    ]
    work = _work(columns, classes, rows_a)

    def word(part: slice) -> list[str]:
        return [
            _text(
                field_reason(
                    columns,
                    f,
                    int(levels[i, f]),
                    float(weights[i, f]),
                    int(rows_a[i]),
                    int(rows_b[i]),
                )
            )
            for f, _, i in work[part]
        ]

    of_class = [np.empty(len(first), dtype=object) for first, _ in classes]
    worded = map_chunks(word, len(work), CLASSES_CHUNK, PARALLEL_CLASSES)
    for (f, c, _), text in zip(work, worded, strict=True):
        of_class[f][c] = text
    texts = [of_class[f][inverse].tolist() for f, (_, inverse) in zip(fields, classes, strict=True)]
    return [
        f"[{', '.join(parts)}{tail}]"
        for parts, tail in zip(zip(*texts, strict=True), _tails(scores, ks), strict=True)
    ]


def _work(
    columns: Columns, classes: list[tuple[np.ndarray, np.ndarray]], rows_a: np.ndarray
) -> list[tuple[int, int, int]]:
    """Each class as `(field, class, its first pair)`; the places' in the order of their
    first record's place, so that a worker meets few places the other resolves too (the
    gazetteer's caches are each process's own)."""
    work: list[tuple[int, int, int]] = []
    for f, (first, _) in enumerate(classes):
        order = np.arange(len(first))
        if f == _PLACE:
            order = np.argsort(columns.place[rows_a[first]], kind="stable")
        work.extend((f, c, i) for c, i in zip(order.tolist(), first[order].tolist(), strict=True))
    return work


def _tails(scores: Scores, ks: np.ndarray) -> list[str]:
    """What each pair's text holds after its comparisons' reasons (`pair_reasons`: a
    likely sibling, household support, what a learned model moved, the guards that held
    it), from ", "; worded once per distinct case."""
    worded: dict[tuple[float, bool, int, float], str] = {}
    tails = []
    learned = np.zeros(len(ks)) if scores.learned is None else scores.learned[ks]
    for case in zip(
        scores.household[ks].tolist(),
        scores.sibling[ks].tolist(),
        scores.held[ks].tolist(),
        learned.tolist(),
        strict=True,
    ):
        tail = worded.get(case)
        if tail is None:
            household, sibling, held, moved = case
            extra = pair_reasons(float(household), bool(sibling), int(held), float(moved))
            tail = worded[case] = "".join(f", {_text(r)}" for r in extra)
        tails.append(tail)
    return tails
