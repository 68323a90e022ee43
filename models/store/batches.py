"""Cutting long id lists into batches a single statement can take (SQLite's bound
parameters are limited)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
