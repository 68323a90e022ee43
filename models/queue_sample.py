"""The review queue's random share: one suggestion in ten takes a random place in the
queue instead of its place by uncertainty.

Reviewers work the queue most uncertain first (within its groups: children and tracing
requests before the rest), so their decisions are pairs scored near 0.5. A model learned
from those alone cannot be judged on them: on decisions drawn that way the Fellegi-Sunter
model calls almost no pair a match, so any learned model "wins" (`bench.reviewed`, mixed
profile, 23k records, the 2,000 most uncertain decided: held out, the FS model's F1 0.005,
the learned model's calls right 86 times in 100, against 82 in the whole queue). The pairs
of the sample are drawn at random from the whole queue, so their
decisions say, on the service's own records and without any truth, how often a pair
scored 0.3 is one person (`service.calibration`), and judge a learned model
(`matching.judging.train`).

Whether a pair is in the sample is a property of its two records (their source and id
there, as the files name them), never of the store: the same pair is in it on SQLite and
PostgreSQL, before and after a relink, and in every store holding those records.
"""

from __future__ import annotations

import hashlib
from typing import Any

SAMPLE_SHARE = 0.1
"""The queue's share placed at random: about one decision in ten, at any queue size."""


def record_digest(source: str, record_id: str) -> int:
    """64 bits naming a record by its source and its id there (what `pair_draw` combines)."""
    text = f"{source}\x1f{record_id}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def pair_draw(first: int, second: int) -> float:
    """A number in [0, 1) drawn by the pair of records (`record_digest`), whichever comes
    first: uniform over pairs, fixed for a pair."""
    low, high = sorted((first, second))
    data = low.to_bytes(8, "big") + high.to_bytes(8, "big")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") / 2.0**64


def in_sample(draw: Any) -> Any:
    """Whether a pair's draw (or an array of draws) puts it in the share."""
    return draw < SAMPLE_SHARE


def uncertainty(probability: float) -> float:
    """How far from a coin toss: the smaller, the more a decision teaches the model."""
    return round(abs(probability - 0.5), 6)


def queue_place(probability: float, draw: float) -> float:
    """Where a suggestion stands in its queue group, lowest first: its `uncertainty`, or,
    for a pair of the sample, a random place in the same range."""
    if in_sample(draw):
        return round(draw / SAMPLE_SHARE * 0.5, 6)
    return uncertainty(probability)
