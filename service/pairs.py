"""What a linkage run reads of every stored record (`MATCH_FIELDS`) and the pairs it
keeps: worded with their reasons (on every core) and, where clustering held a match
back, sent to a reviewer."""

from __future__ import annotations

from typing import Any

import numpy as np

from matching.cluster import SETTLED
from matching.columns import COLUMN_FIELDS
from matching.guards import BIT, PERSON_GUARDS
from matching.parallel import map_chunks
from models.jsontext import Encoded
from service.reason_texts import encoded_reasons
from service.scoring import reasons_of

MATCH_FIELDS = ("id", "entity_id", "record_id", "case_type", "role", *COLUMN_FIELDS)
"""The stored fields incremental matching reads: what `build_columns` codes
(`COLUMN_FIELDS`, ids and roles), what a suggestion row copies (`suggestion_row`)
and the entity (a test keeps this list honest)."""
REASONS_CHUNK = 2_000
"""Pairs whose reasons one worker words at a time."""
Oriented = tuple[int, int, int]
"""A kept pair: its index among the scored pairs, the row of its first record by id,
the row of the other."""


def _oriented(columns: Any, a: np.ndarray, b: np.ndarray, bands: np.ndarray) -> list[Oriented]:
    """The kept pairs as `(pair, row_a, row_b)`, row_a's record first by id."""
    oriented = []
    for k in np.flatnonzero(bands != "non_match").tolist():
        x, y = int(a[k]), int(b[k])
        if columns.ids[x] > columns.ids[y]:  # UUIDs order as their text does
            x, y = y, x
        oriented.append((k, x, y))
    return oriented


def _worded(
    columns: Any,
    oriented: list[Oriented],
    scores: Any,
    bands: np.ndarray,
    version: str,
    encoded: bool = False,
) -> list[dict[str, Any]]:
    if encoded:
        worded = [Encoded(text) for text in encoded_reasons(columns, oriented, scores)]
    else:
        order = _by_place(columns, oriented)
        by_place = oriented if order is None else [oriented[i] for i in order.tolist()]

        def reasons(part: slice) -> list[Any]:
            return [reasons_of(columns, x, y, scores, k) for k, x, y in by_place[part]]

        worded = _unsorted(map_chunks(reasons, len(by_place), REASONS_CHUNK), order)
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


def _by_place(columns: Any, oriented: list[Oriented]) -> np.ndarray | None:
    """The order in which to word the pairs: by their first record's place, so that the
    runs of pairs a worker takes (`REASONS_CHUNK`, every other one) hold few places the
    other worker resolves too in the gazetteer (its caches are its own: in the pairs'
    order both resolved most places, a third of wording). None: as they are."""
    if len(oriented) < 2:
        return None
    places = columns.place[np.fromiter((x for _, x, _ in oriented), np.int64, len(oriented))]
    return np.argsort(places, kind="stable")


def _unsorted(worded: list[Any], order: np.ndarray | None) -> list[Any]:
    """What was worded in `order`, in the pairs' own order."""
    if order is None:
        return worded
    back = np.empty(len(order), dtype=np.int64)
    back[order] = np.arange(len(order))
    return [worded[i] for i in back.tolist()]


def pair_rows(
    columns: Any, a: np.ndarray, b: np.ndarray, scores: Any, bands: np.ndarray, version: str
) -> list[dict[str, Any]]:
    """The kept pairs as stored, each with its reasons (worded on every core: at a
    quarter of a million records, a hundred thousand pairs)."""
    return _worded(columns, _oriented(columns, a, b, bands), scores, bands, version)


def encoded_pair_rows(
    columns: Any, a: np.ndarray, b: np.ndarray, scores: Any, bands: np.ndarray, version: str
) -> tuple[list[Oriented], list[dict[str, Any]]]:
    """`pair_rows` in key order (the records' ids), with their reasons as JSON text
    (`Encoded`; `reason_texts.encoded_reasons`: each distinct reason worded once, on every
    core): at a million records the 400,000 kept pairs hold about 0.5 GB so, 1.6 GB with
    their reasons as objects. Each pair comes with its `(pair, row_a, row_b)`."""
    oriented = _oriented(columns, a, b, bands)
    oriented.sort(key=lambda o: (columns.ids[o[1]], columns.ids[o[2]]))
    return oriented, _worded(columns, oriented, scores, bands, version, encoded=True)


def review_unmerged(
    bands: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    to_review: list[tuple[int, int, str]],
    held: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs that scored as matches but were held back (a weak link between two persons,
    records that would contradict each other) go to a reviewer, the guard that held each
    added to its `held` bits so that its reasons say why (`guards.PERSON_GUARDS`); pairs
    held back by a rejection or a shared case do not; nor do pairs not among `a`, `b`
    (coherence's pairs inside a person). Returns the bands and the bits. The pairs
    (a, b) are distinct, as blocking and `match_new` make them."""
    weak = [(x, y, why) for x, y, why in to_review if why not in SETTLED]
    if not weak:
        return bands, held
    size = int(max(a.max(), b.max())) + 1
    keys = np.minimum(a, b).astype(np.int64) * size + np.maximum(a, b)
    order = np.argsort(keys, kind="stable")
    wanted = np.array([min(x, y) * size + max(x, y) for x, y, _ in weak], dtype=np.int64)
    at = np.minimum(np.searchsorted(keys, wanted, sorter=order), len(keys) - 1)
    found = keys[order[at]] == wanted
    pairs = order[at[found]]
    bits = np.array([_person_bit(why) for _, _, why in weak], dtype=held.dtype)[found]
    bands, held = bands.copy(), held.copy()
    bands[pairs[bands[pairs] == "match"]] = "review"
    np.bitwise_or.at(held, pairs, bits)
    return bands, held


def _person_bit(why: str) -> int:
    guard = PERSON_GUARDS.get(why)
    return int(BIT[guard]) if guard is not None else 0
