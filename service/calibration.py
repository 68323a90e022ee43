"""Whether the engine's probabilities mean what they say, on the service's own records:
read off reviewers' decisions on the queue's random share (`models.queue_sample`).

The benchmark measures calibration against a generator's truth; in the field there is no
truth but reviewers, and the pairs they decide first are the most uncertain. The random
share's decisions are a fair sample of the queue: in each band of probability, the share
the reviewers confirmed is how often such a pair is one person here.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from models.queue_sample import SAMPLE_SHARE
from models.review import SuggestionStatus
from service.context import Actor, UseCases
from service.queue import READ_QUEUE

BAND_EDGES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)
"""The bands of probability reported: those of the benchmark's calibration table within
the queue (from 0.1 up to the match threshold, `model.MATCH_THRESHOLD`; 0.7 until
2026-12-07, so the band above starts there still, not to change the bands a client reads),
with a band below and one above for pairs scored again since they were suggested or held
back by a guard."""
CONFIDENCE = 0.95


def calibration_bands(decided: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Per band `[low, high)` (the last one closed): the decisions, how many confirmed, the
    mean probability the engine gave (predicted), the share confirmed (observed) and its
    Wilson interval at `CONFIDENCE`; None where the band holds no decision."""
    from scipy.stats import binomtest

    out = []
    edges = list(pairwise(BAND_EDGES))
    for k, (low, high) in enumerate(edges):
        last = k == len(edges) - 1
        inside = [
            (p, confirmed) for p, confirmed in decided if low <= p < high or (last and p == high)
        ]
        count = len(inside)
        confirmed = sum(1 for _, c in inside if c)
        interval = None
        if count:
            ci = binomtest(confirmed, count).proportion_ci(CONFIDENCE, method="wilson")
            interval = [round(ci.low, 3), round(ci.high, 3)]
        out.append(
            {
                "band": [low, high],
                "decisions": count,
                "confirmed": confirmed,
                "predicted": round(sum(p for p, _ in inside) / count, 3) if count else None,
                "observed": round(confirmed / count, 3) if count else None,
                "interval": interval,
            }
        )
    return out


class Calibration(UseCases):
    def calibration(self, actor: Actor) -> dict[str, Any]:
        """The engine's calibration on the decisions of the queue's random share: per band
        of probability, how often reviewers said the pairs were one person (a child's merge
        confirmed once counts) against how often the engine said they would be; with how
        many pairs of the share still wait (`open`) and how many reviewers left unsure.

        The share is random within what reviewers worked: they work children and tracing
        requests first (queue group 0), so until the rest is reached its decisions are of
        those pairs; pairs left unsure, the hardest, are not in the bands."""
        actor.require(READ_QUEUE)
        decided, others = self.store.queue_sample()
        self.audit(actor, "read_calibration", "suggestion", [])
        return {
            "share": SAMPLE_SHARE,
            "decided": len(decided),
            "open": others[SuggestionStatus.PENDING],
            "unsure": others[SuggestionStatus.UNSURE],
            "confidence": CONFIDENCE,
            "bands": calibration_bands(decided),
        }
