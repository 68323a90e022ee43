"""Blocking: several keys per record, so that true pairs share at least one.

Keys combine variant groups (a given-name group such as Muhammad, a clan
group such as Coulibaly/Kulibali) with a second, independent field: birth
band, place, a parent's name, sex. A record with a name and an age only
still gets the name and name+birth keys. Birth bands come in two tilings
offset by half a band, so two records born up to half a band apart always
share one. Villages are compared by their orthographic key (`Fansare` and
`Fansarre` agree). The records of one case come from one household (a
suspect's case from the village of its victims), so the village keys read
the case: `gv` is a given-name group with the village of any record of the
case, and `hv` a family of any record of the case with such a village and
the sex (both sexes when it is not written). A recruiter known by a given
name only, written in the cases of two households of one village, shares a
`gv` key with himself; a mother written as "Mme Diarra" shares an `hv` key
with herself written under her own name without a village. `hv` pairs only a
record whose given name tells little (none, or a spelling the variant tables
do not know) with the others, else it would pair every brother with every
brother (`ONE_SIDED`). A family name that is a given name (the two names
swapped, or "Hawa Modibo": a parent's given name after the person's) counts
as a given name in `gv`. The prefix key (`px`) takes the first letters of the
given and family names in either order.

Blocks larger than `max_block` prove nothing and explode into millions of
pairs: they are dropped and counted (the other keys of their records still
apply), or, with `window`, give only each record's next neighbours by birth
(sorted neighbourhood; off by default: on the generated set it finds 0.1 %
more true pairs for 15 % more pairs, the missed pairs mostly sharing no key
at all). Pairs within one case are never formed: one person appears once in
a case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from matching.block_arrays import KindKeys, kind_keys, weak_given
from matching.columns import Columns
from matching.parallel import run_chunks, shared_empty, sort_shared

MAX_BLOCK = 300
KIND_MAX_BLOCK = {"gb": 40, "gb2": 40, "fb": 40, "g": 60, "px": 120}
"""Keys made of a very common name and a birth band are kept only while small."""
ONE_SIDED = ("hv",)
"""Kinds whose blocks give only the pairs with a record whose given name tells little
(`block_arrays.weak_given`): the household keys place such a record among its
household's members, but would pair every brother with every brother otherwise."""


@dataclass(frozen=True, slots=True)
class BlockingStats:
    keys: int
    blocks: int
    dropped_blocks: int
    dropped_records: int
    pairs: int


def block_cap(key: str, max_block: int = MAX_BLOCK) -> int:
    """The largest block a key may form before it proves nothing (batch and index alike)."""
    return min(KIND_MAX_BLOCK.get(key.split(":", 1)[0], max_block), max_block)


def _string_kind_keys(keys: list[list[str]]) -> list[KindKeys]:
    """Keys given as strings (training keys, generic fields), coded kind by kind."""
    codes: dict[str, int] = {}
    by_kind: dict[str, tuple[list[int], list[int]]] = {}
    for row, row_keys in enumerate(keys):
        for key in row_keys:
            code = codes.setdefault(key, len(codes))
            rows, coded = by_kind.setdefault(key.split(":", 1)[0], ([], []))
            rows.append(row)
            coded.append(code)
    return [
        KindKeys(kind, np.asarray(rows, dtype=np.int64), np.asarray(coded, dtype=np.int64))
        for kind, (rows, coded) in by_kind.items()
    ]


def _pair_codes(
    a: np.ndarray, b: np.ndarray, n: int, case: np.ndarray, needs: np.ndarray | None = None
) -> np.ndarray:
    """Pairs (a <= b) as one integer a * n + b, without self pairs or pairs within a case;
    with `needs`, only the pairs with at least one such row."""
    keep = a != b
    case_a, case_b = case[a], case[b]
    keep &= (case_a < 0) | (case_a != case_b)
    if needs is not None:
        keep &= needs[a] | needs[b]
    return a[keep].astype(np.int64) * n + b[keep]


def _kind_pairs(
    group: KindKeys,
    cap: int,
    n: int,
    case: np.ndarray,
    window: int,
    order_by: np.ndarray,
    needs: np.ndarray | None = None,
) -> tuple[list[np.ndarray], int, int, int]:
    """Pairs within the blocks of one kind, as pair codes; then (blocks, over-large blocks,
    their records). Blocks within the cap give all their pairs; over-large blocks, sorted
    by birth, give each record's `window - 1` next neighbours (none if `window` < 2).
    With `needs` (a one-sided kind), only the pairs with at least one such row."""
    order = np.lexsort((group.rows, group.keys))
    rows, keys = group.rows[order], group.keys[order]
    if not len(rows):
        return [], 0, 0, 0
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    over = sizes > cap
    codes: list[np.ndarray] = []
    kept = (sizes >= 2) & ~over
    if needs is not None:  # only the blocks holding a row that needs them give pairs
        kept &= np.add.reduceat(needs[rows].astype(np.int64), starts) > 0
    for size in np.unique(sizes[kept]).tolist():
        members = rows[starts[kept & (sizes == size)][:, None] + np.arange(size)]
        i, j = np.triu_indices(size, k=1)
        codes.append(_pair_codes(members[:, i].ravel(), members[:, j].ravel(), n, case, needs))
    if window >= 2 and over.any():
        codes.extend(_neighbours(rows, starts[over], sizes[over], window, n, case, order_by, needs))
    return codes, len(starts), int(over.sum()), int(sizes[over].sum())


SPLIT_CHUNK = 8_000_000
"""Pair codes told apart and split into (a, b) at a time, on every core."""


def _neighbours(
    rows: np.ndarray,
    starts: np.ndarray,
    sizes: np.ndarray,
    window: int,
    n: int,
    case: np.ndarray,
    order_by: np.ndarray,
    needs: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Sorted neighbourhood within over-large blocks: each member with the next ones
    in the order of `order_by` (the middle of the birth interval)."""
    members = np.concatenate([rows[s : s + z] for s, z in zip(starts, sizes, strict=True)])
    block = np.repeat(np.arange(len(starts)), sizes)
    order = np.lexsort((members, order_by[members], block))
    members, block = members[order], block[order]
    out = []
    for step in range(1, window):
        same = block[step:] == block[:-step]
        first, second = members[:-step][same], members[step:][same]
        low, high = np.minimum(first, second), np.maximum(first, second)
        out.append(_pair_codes(low, high, n, case, needs))
    return out


def _unique_pairs(codes: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct pairs (a < b), sorted; a pair found in several blocks is kept once. The
    pair codes are sorted, told apart and split on every core (`matching.parallel`)."""
    if not codes:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty
    total = sum(len(c) for c in codes)
    combined = shared_empty(total, np.int64)
    at = 0
    while codes:  # each piece is freed once copied: the pairs are never held twice
        piece = codes.pop()
        combined[at : at + len(piece)] = piece
        at += len(piece)
    sort_shared(combined)
    combined = _distinct_sorted(combined)
    dtype = np.int32 if n < 2**31 else np.int64
    first, second = shared_empty(len(combined), dtype), shared_empty(len(combined), dtype)

    def split(part: slice) -> None:
        np.floor_divide(combined[part], n, out=first[part], casting="unsafe")
        np.remainder(combined[part], n, out=second[part], casting="unsafe")

    run_chunks(split, len(combined), SPLIT_CHUNK)
    return first, second


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (made by `shared_empty`), told apart on every
    core."""
    keep = shared_empty(len(values), bool)
    keep[:1] = True

    def first_of_kind(part: slice) -> None:
        start = max(part.start, 1)
        np.not_equal(
            values[start : part.stop],
            values[start - 1 : part.stop - 1],
            out=keep[start : part.stop],
        )

    run_chunks(first_of_kind, len(values), SPLIT_CHUNK)
    return values[keep]


def cross_pairs(columns: Columns, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Every row before `first` (the new records) with every row from `first` on (the
    candidates the stored index gave them), never two rows of the same case.

    The index finds a candidate by a key computed from its whole case (`gv`, `hv`);
    among the candidates alone, the rest of its case is absent and blocking them
    again would lose the pair.
    """
    n = len(columns)
    new = np.arange(first, dtype=np.int64)
    found = np.arange(first, n, dtype=np.int64)
    a, b = np.repeat(new, len(found)), np.tile(found, first)
    case_a, case_b = columns.case[a], columns.case[b]
    keep = (case_a < 0) | (case_a != case_b)
    return a[keep], b[keep]


def candidate_pairs(
    columns: Columns,
    keys: list[list[str]] | None = None,
    max_block: int = MAX_BLOCK,
    on_progress: Callable[[int], None] | None = None,
    window: int = 0,
    kinds: list[KindKeys] | None = None,
) -> tuple[np.ndarray, np.ndarray, BlockingStats]:
    """Unique pairs (a < b) sharing a key, never two rows of the same case.

    Without `keys` or `kinds`, the keys of `matching.record_keys` are built as integers for the
    whole population (`matching.block_arrays`); string keys are coded first.
    """
    if kinds is not None:
        groups: Iterable[KindKeys] = kinds
    elif keys is not None:
        groups = _string_kind_keys(keys)
    else:
        groups = kind_keys(columns)
    codes: list[np.ndarray] = []
    blocks = dropped_blocks = dropped_records = 0
    n = len(columns)
    born = columns.birth_earliest >= 0
    middle = (columns.birth_earliest.astype(np.int64) + columns.birth_latest) // 2
    order_by = np.where(born, middle, np.iinfo(np.int64).max)
    for group in groups:
        needs = weak_given(columns) if group.kind in ONE_SIDED else None
        found, count, dropped, dropped_rows = _kind_pairs(
            group,
            block_cap(group.kind + ":", max_block),
            n,
            columns.case,
            window,
            order_by,
            needs,
        )
        codes.extend(found)
        blocks += count
        dropped_blocks += dropped
        dropped_records += dropped_rows
    if on_progress is not None:
        on_progress(n)
    a, b = _unique_pairs(codes, n)
    stats = BlockingStats(blocks, blocks, dropped_blocks, dropped_records, len(a))
    return a, b, stats
