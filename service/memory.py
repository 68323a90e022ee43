"""Pausing Python's cyclic garbage collector around bulk work.

A million rows make millions of long-lived, acyclic objects (dicts, strings,
dates): the cyclic collector would walk them again and again for nothing
(about half the time of reading a million-row file). Reference counting still
frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
