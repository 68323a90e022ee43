"""Per-user limits on the calls that read people in bulk: searches and lists.

`SharedLimit` counts in the database (`rate_counters`, one atomic upsert per call), so
the limit holds across every server process (`nrm serve --workers N`): a fixed window
of a minute per user and kind. `NRM_SEARCH_PER_MINUTE` (default 30) limits searches,
`NRM_LIST_PER_MINUTE` (default 60) lists (records, the review queue, flags, tracing
requests, the audit trail). A fixed window lets a user make twice the limit across a
window's edge, never more.

`RateLimiter` counts in memory, per process: what the failed-authentication and
refused-request sampling uses, through `CountedRows` (an anonymous caller has no user to
count in the database, and a flood must cost no write).
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from threading import Lock
from typing import Protocol
from uuid import UUID

DEFAULT_PER_MINUTE = 30
DEFAULT_LISTS_PER_MINUTE = 60
WINDOW_SECONDS = 60.0
FORGET_ABOVE = 10_000


class Counter(Protocol):
    def count_call(self, subject: str, window: int) -> int: ...


def _per_minute(variable: str, default: int) -> int:
    return int(os.environ.get(variable) or default)


@dataclass
class SharedLimit:
    """At most `per_window` calls of one `kind` per user and window, counted in the store."""

    kind: str
    per_window: int
    window: int = int(WINDOW_SECONDS)
    clock: Callable[[], float] = field(default=time.time)

    @classmethod
    def searches(cls) -> SharedLimit:
        return cls("search", _per_minute("NRM_SEARCH_PER_MINUTE", DEFAULT_PER_MINUTE))

    @classmethod
    def lists(cls) -> SharedLimit:
        return cls("list", _per_minute("NRM_LIST_PER_MINUTE", DEFAULT_LISTS_PER_MINUTE))

    def retry_after(self, counter: Counter, user: UUID) -> float:
        """0 when the user may go on (the call is counted), else seconds to wait."""
        now = self.clock()
        window = int(now // self.window)
        if counter.count_call(f"{self.kind}:{user}", window) <= self.per_window:
            return 0.0
        return max((window + 1) * self.window - now, 1.0)


class RateLimiter:
    """A sliding window in this process's memory."""

    def __init__(
        self,
        per_window: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_window = per_window
        self.window = window
        self.clock = clock
        self._seen: dict[Hashable, deque[float]] = {}
        self._lock = Lock()

    def retry_after(self, caller: Hashable) -> float:
        """0 when the caller (a user, a client address) may go on (the call is counted),
        else seconds to wait."""
        now = self.clock()
        with self._lock:
            if len(self._seen) > FORGET_ABOVE:
                self._forget(now)
            calls = self._seen.setdefault(caller, deque())
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.per_window:
                return calls[0] + self.window - now
            calls.append(now)
            return 0.0

    def _forget(self, now: float) -> None:
        """Drop the callers with no call in the window (many addresses must not grow the
        table without end)."""
        for caller in [c for c, calls in self._seen.items() if calls[-1] <= now - self.window]:
            del self._seen[caller]


class CountedRows:
    """Events counted per key (a user, everyone) for an append-only audit trail: a row is
    due at most `per_window` times a window per key, and then stands for the events
    counted since the last row (failed authentications, refused requests)."""

    def __init__(self, per_window: int) -> None:
        self.limit = RateLimiter(per_window=per_window)
        self.pending: dict[Hashable, int] = {}
        self._lock = Lock()

    def count(self, key: Hashable) -> int:
        """Count one event of `key`; the events its row stands for when one is due now,
        else 0 (they wait for the next)."""
        with self._lock:
            self.pending[key] = self.pending.get(key, 0) + 1
            if self.limit.retry_after(key) > 0:
                return 0
            return self.pending.pop(key)
