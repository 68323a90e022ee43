"""What a linkage run reads of every stored record (`MATCH_FIELDS`) and the pairs it
keeps: worded with their reasons (on every core) and, where clustering held a match
back, sent to a reviewer."""

from __future__ import annotations

from typing import Any

import numpy as np

from matching.cluster import SETTLED
from matching.columns import COLUMN_FIELDS
from matching.parallel import map_chunks
from service.scoring import reasons_of

MATCH_FIELDS = ("id", "entity_id", "record_id", "case_type", "role", *COLUMN_FIELDS)
"""The stored fields incremental matching reads: what `build_columns` codes
(`COLUMN_FIELDS`, ids and roles), what a suggestion row copies (`suggestion_row`)
and the entity (a test keeps this list honest)."""
REASONS_CHUNK = 2_000
"""Pairs whose reasons one worker words at a time."""


def pair_rows(
    columns: Any, a: np.ndarray, b: np.ndarray, scores: Any, bands: np.ndarray, version: str
) -> list[dict[str, Any]]:
    """The kept pairs as stored, each with its reasons (worded on every core: at a
    quarter of a million records, a hundred thousand pairs)."""
    oriented = []
    for k in np.flatnonzero(bands != "non_match").tolist():
        x, y = int(a[k]), int(b[k])
        if columns.ids[x] > columns.ids[y]:  # UUIDs order as their text does
            x, y = y, x
        oriented.append((k, x, y))

    def reasons(part: slice) -> list[Any]:
        return [reasons_of(columns, x, y, scores, k) for k, x, y in oriented[part]]

    worded = map_chunks(reasons, len(oriented), REASONS_CHUNK)
    return [
        {
            "record_a": columns.ids[x],
            "record_b": columns.ids[y],
            "probability": float(scores.probability[k]),
            "band": str(bands[k]),
            "model_version": version,
            "reasons": why,
        }
        for (k, x, y), why in zip(oriented, worded, strict=True)
    ]


def review_unmerged(
    bands: np.ndarray, a: np.ndarray, b: np.ndarray, to_review: list[tuple[int, int, str]]
) -> np.ndarray:
    """Pairs that scored as matches but were held back (a weak link between two persons,
    records that would contradict each other) go to a reviewer; pairs held back by a
    rejection or a shared case do not."""
    weak = [(x, y) for x, y, why in to_review if why not in SETTLED]
    if not weak:
        return bands
    size = int(max(a.max(), b.max())) + 1
    held = [min(x, y) * size + max(x, y) for x, y in weak]
    keys = np.minimum(a, b).astype(np.int64) * size + np.maximum(a, b)
    bands = bands.copy()
    bands[np.isin(keys, held) & (bands == "match")] = "review"
    return bands
