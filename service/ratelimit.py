"""A per-user limit on searches: a search is the way to locate a victim in bulk.

Counted per server process in a sliding window (with `--workers N`, a user
may search N times the limit); `NRM_SEARCH_PER_MINUTE` sets it.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from threading import Lock
from uuid import UUID

DEFAULT_PER_MINUTE = 30
WINDOW_SECONDS = 60.0


class RateLimiter:
    def __init__(
        self,
        per_window: int | None = None,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_window = per_window or int(
            os.environ.get("NRM_SEARCH_PER_MINUTE", DEFAULT_PER_MINUTE)
        )
        self.window = window
        self.clock = clock
        self._seen: dict[UUID, deque[float]] = {}
        self._lock = Lock()

    def retry_after(self, user: UUID) -> float:
        """0 when the user may go on (the call is counted), else seconds to wait."""
        now = self.clock()
        with self._lock:
            calls = self._seen.setdefault(user, deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.per_window:
                return calls[0] + self.window - now
            calls.append(now)
            return 0.0
