"""Pausing Python's cyclic garbage collector around bulk work; keeping it off the
reference tables; giving freed memory back.

A million rows make millions of long-lived, acyclic objects (dicts, strings,
dates): the cyclic collector would walk them again and again for nothing
(about half the time of reading a million-row file). Reference counting still
frees everything as usual.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache


@contextmanager
def collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@cache
def settle_loaded() -> None:
    """Put every object alive now beyond the cyclic collector's reach (`gc.freeze`), once
    per process, when the reference tables are loaded (gazetteer, name variants): most
    of what a linking process holds, for as long as it runs, and a full collection
    walked them again in 70 to 80 ms, in about one single-record link in fifty against a
    million stored records. Whatever else is alive then is frozen too (a cycle among it
    is never collected: once, at the first link). Reference counting still frees what
    they drop."""
    gc.collect()
    gc.freeze()


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library this process runs on
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    return trim


def give_back_freed() -> None:
    """Return the C heap's free memory to the system (glibc's `malloc_trim`; nothing
    elsewhere). Freed objects and arrays stay in the heap otherwise: after reading a
    million-row file a process held 1,211 MB, 886 MB once trimmed, and the stages
    after it start from there (`nrm link` of a million records peaks near 4 GB)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
