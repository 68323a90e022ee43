"""Where a linking run's time went, step by step (reported, e.g. by the benchmarks)."""

from __future__ import annotations

import time


class Clock:
    """Milliseconds spent in each step of one call (reported, e.g. by the benchmark)."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.steps[step] = round((now - self._last) * 1000, 2)
        self._last = now
