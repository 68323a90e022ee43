"""Array helpers for comparing many pairs at once: string codes, padded sets, fuzzy bands.

Comparisons run per pair in numpy on small per-value tables (one row per
unique normalised value), so no Python runs once per pair. The one costly
test, Jaro-Winkler, runs in rapidfuzz's C code: over every pair of unique
strings when there are few of them (`process.cdist`), otherwise over the
unique pairs of strings that still need it (`process.cpdist`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process

from matching.values import Vocabulary

DENSE_STRINGS = 6_000
"""Up to this many unique strings (and when there are more pairs to score than pairs of
strings, give or take), fuzzy scores are taken for every pair of strings once."""
WORKERS = 2
ONE_THREAD = 20_000
"""Fewer string pairs than this are scored on the calling thread: starting rapidfuzz's
threads costs about half a millisecond, more than scoring a new record's few hundred
candidate pairs (and more still when the other core is busy)."""


def _workers(pairs: int) -> int:
    return WORKERS if pairs >= ONE_THREAD else 1


Codes = Vocabulary
"""Integer codes for strings and tuples, in order of first sight (`codes(item)`)."""


def equal_known(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x == y where both are known codes (>= 0)."""
    return (x == y) & (x >= 0)


@dataclass
class Sets:
    """A small set of codes per value: the first code as a column, and all of them flat
    (CSR: `flat[offsets[v]:offsets[v + 1]]`), with each (value, code) membership as
    one sorted integer, so that intersections are searches, not loops over set widths."""

    first: np.ndarray
    width: np.ndarray
    several: np.ndarray
    """More than one code: the only values that need more than the first-code test."""
    offsets: np.ndarray
    flat: np.ndarray
    members: np.ndarray
    span: int


def sets(rows: Sequence[Iterable[int]]) -> Sets:
    lists = [list(dict.fromkeys(r)) for r in rows]
    width = np.asarray([len(r) for r in lists], dtype=np.int64).reshape(len(lists))
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(width, out=offsets[1:])
    flat = np.asarray([c for r in lists for c in r], dtype=np.int64).reshape(-1)
    span = int(flat.max()) + 1 if len(flat) else 1
    owner = np.repeat(np.arange(len(lists), dtype=np.int64), width)
    first = np.full(len(lists), -1, dtype=np.int32)
    first[width > 0] = flat[offsets[:-1][width > 0]]
    return Sets(
        first=first,
        width=width,
        several=width > 1,
        offsets=offsets,
        flat=flat,
        members=np.sort(owner * span + flat),
        span=span,
    )


def shares_any(s: Sets, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """For values x[k], y[k]: do their sets intersect?"""
    first_x = s.first[x]
    out = first_x == s.first[y]
    out &= first_x >= 0
    wide = s.several[x]
    wide |= s.several[y]
    wide &= ~out
    wide = np.flatnonzero(wide)
    if not len(wide):
        return out
    sub_x, sub_y = x[wide], y[wide]
    both = (s.width[sub_x] > 0) & (s.width[sub_y] > 0)
    wide, sub_x, sub_y = wide[both], sub_x[both], sub_y[both]
    lengths = s.width[sub_x]
    starts = np.zeros(len(wide), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    position = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts, lengths)
    elements = s.flat[np.repeat(s.offsets[sub_x], lengths) + position]
    probe = np.repeat(sub_y.astype(np.int64), lengths) * s.span + elements
    at = np.minimum(np.searchsorted(s.members, probe), len(s.members) - 1)
    found = s.members[at] == probe
    out[wide] = np.add.reduceat(found.astype(np.int64), starts) > 0
    return out


def unique_pairs(x: np.ndarray, y: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The unique ordered code pairs (x * width + y) and, for each input pair, its index."""
    unique, inverse = np.unique(x.astype(np.int64) * width + y, return_inverse=True)
    return unique, inverse


def fuzzy_at_least(
    strings: Sequence[str],
    x: np.ndarray,
    y: np.ndarray,
    scorer: Callable[..., float],
    cutoff: float,
    cache: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """scorer(strings[x[k]], strings[y[k]]) >= cutoff, for every k (codes >= 0).

    Scores are float64, as the scalar comparisons compute them, so the bands
    agree to the last bit. A table over all pairs of strings, once made, is
    kept in `cache` for the next calls.
    """
    out = np.zeros(len(x), dtype=bool)
    if not len(x):
        return out
    if cache is not None and "dense" in cache:
        return cache["dense"][x, y]
    if len(strings) <= DENSE_STRINGS and len(strings) ** 2 <= 4 * len(x):
        table = np.zeros((len(strings), len(strings)), dtype=bool)
        for start in range(0, len(strings), 500):
            scores = process.cdist(
                strings[start : start + 500],
                strings,
                scorer=scorer,
                score_cutoff=cutoff,
                dtype=np.float64,
                workers=_workers(len(strings) * min(500, len(strings) - start)),
            )
            table[start : start + 500] = scores >= cutoff
        if cache is not None:
            cache["dense"] = table
        return table[x, y]
    width = len(strings)
    unique, inverse = unique_pairs(x, y, width)
    low, high = np.divmod(unique, width)
    if cache is not None and "strings" not in cache:
        cache["strings"] = np.asarray(strings, dtype=object)
    table = cache["strings"] if cache is not None else np.asarray(strings, dtype=object)
    scores = process.cpdist(
        table[low],
        table[high],
        scorer=scorer,
        score_cutoff=cutoff,
        dtype=np.float64,
        workers=_workers(len(low)),
    )
    return (scores >= cutoff)[inverse]
