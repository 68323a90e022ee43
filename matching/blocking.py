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

The same string keys are stored for incremental matching, so a new record's
candidates come from an index, not a scan. The case keys of a record (`gv`,
`hv`) are computed from the records of its case given together (an import
holds whole cases); a record given alone is its own case. The index has no
one-sided lookup: looking up an `hv` key returns the whole block. New
records are then blocked again with their candidates only (whose cases are
not all there), so a pair that needs a candidate's case mates to share a key
is formed by batch linking, not yet by incremental matching.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from matching.block_arrays import (
    KindKeys,
    family_given_group,
    kind_keys,
    village_key,
    weak_given,
)
from matching.columns import Columns
from matching.values import FamilyValue, GivenValue, ParentValue

BAND_DAYS = 5 * 365
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


def _first_group(value: GivenValue | None) -> str | None:
    if value is None:
        return None
    if value.groups:
        return value.groups[0]
    return value.alias_groups[0] if value.alias_groups else None


def _all_groups(value: GivenValue | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(dict.fromkeys((*value.groups, *value.alias_groups)))


def _family(value: FamilyValue | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value.group,) if value.spouse_key is None else (value.group, "k:" + value.spouse_key)


def _parent(value: ParentValue | None) -> str | None:
    return value.given_groups[0] if value is not None and value.given_groups else None


@dataclass(frozen=True, slots=True)
class CaseContext:
    """What the records of one case hold together: their village keys and families."""

    villages: tuple[str, ...]
    families: tuple[str, ...]


def case_contexts(columns: Columns) -> tuple[np.ndarray, list[CaseContext]]:
    """Per row, the index of the context of its case (equal contexts share one index);
    a record without a case has the context of its own values."""

    def derive() -> tuple[np.ndarray, list[CaseContext]]:
        place_keys = _village_keys(columns)
        family_keys = [_family(v) for v in columns.vocab["family"].values]
        held: dict[int, tuple[dict[str, None], dict[str, None]]] = {}
        for row in range(len(columns)):
            case = int(columns.case[row])
            owner = case if case >= 0 else -1 - row
            villages, families = held.setdefault(owner, ({}, {}))
            place, family = int(columns.place[row]), int(columns.family[row])
            if place >= 0 and place_keys[place]:
                villages[place_keys[place]] = None
            if family >= 0:
                families.update(dict.fromkeys(family_keys[family]))
        codes: dict[CaseContext, int] = {}
        of_owner = {
            owner: codes.setdefault(CaseContext(tuple(v), tuple(f)), len(codes))
            for owner, (v, f) in held.items()
        }
        index = np.fromiter(
            (
                of_owner[int(c) if c >= 0 else -1 - row]
                for row, c in enumerate(columns.case.tolist())
            ),
            dtype=np.int64,
            count=len(columns),
        )
        return index, list(codes)

    return columns.derive("case_contexts", derive)


def _village_keys(columns: Columns) -> list[str | None]:
    """The village key of each place value."""
    return columns.derive(
        "village_keys", lambda: [village_key(v) for v in columns.vocab["place"].values]
    )


def _context(columns: Columns, row: int) -> CaseContext:
    index, contexts = case_contexts(columns)
    return contexts[int(index[row])]


def _prefix(value: GivenValue | None, family: FamilyValue | None) -> str | None:
    """The first three letters of the given and the family name keys, in either order."""
    if value is None or family is None or not value.keys:
        return None
    return "/".join(sorted((value.keys[0][:3], family.key[:3])))


def record_keys(columns: Columns, row: int) -> list[str]:
    """The blocking keys of one record, as strings (stored for incremental matching)."""
    return _own_keys(columns, row) + _case_keys(columns, row)


def _own_keys(columns: Columns, row: int) -> list[str]:
    """The keys read from the record alone."""
    given: GivenValue | None = columns.value("given", row)
    family: FamilyValue | None = columns.value("family", row)
    father: ParentValue | None = columns.value("father", row)
    mother: ParentValue | None = columns.value("mother", row)
    sex = int(columns.sex[row])
    keys: list[str] = []
    groups = _all_groups(given)
    families = _family(family)
    first = _first_group(given)
    for g in groups:
        keys.extend(f"gf:{g}|{f}" for f in families)
    earliest, latest = int(columns.birth_earliest[row]), int(columns.birth_latest[row])
    if first and earliest >= 0:
        middle = (earliest + latest) // 2
        keys.append(f"gb:{first}|{sex}|{middle // BAND_DAYS}")
        keys.append(f"gb2:{first}|{sex}|{(middle + BAND_DAYS // 2) // BAND_DAYS}")
    father_group, mother_group = _parent(father), _parent(mother)
    for f in families:
        if father_group:
            keys.append(f"ff:{f}|{father_group}")
        if mother_group:
            keys.append(f"fm:{f}|{mother_group}")
    if first and father_group:
        keys.append(f"gfa:{first}|{father_group}")
    if first and mother_group:
        keys.append(f"gmo:{first}|{mother_group}")
    place = int(columns.place[row])
    village = _village_keys(columns)[place] if place >= 0 else None
    if village:
        keys.extend(f"fv:{f}|{village}|{sex}" for f in families)
    prefix = _prefix(given, family)
    if prefix:
        keys.append(f"px:{prefix}|{sex}")
    if first and not families:
        keys.append(f"g:{first}|{sex}")
    if families and earliest >= 0:
        middle = (earliest + latest) // 2
        keys.extend(f"fb:{f}|{sex}|{middle // BAND_DAYS}" for f in families)
    return keys


def _case_keys(columns: Columns, row: int) -> list[str]:
    """The keys read from the record with the villages and families of its case."""
    family: FamilyValue | None = columns.value("family", row)
    groups = _all_groups(columns.value("given", row))
    swapped = family_given_group(family)
    named = (*groups, swapped) if swapped and swapped not in groups else groups
    sex = int(columns.sex[row])
    sexes = (sex,) if sex >= 0 else (0, 1)
    context = _context(columns, row)
    keys: list[str] = []
    for village in context.villages:
        keys.extend(f"gv:{g}|{village}" for g in named)
        for f in context.families:
            keys.extend(f"hv:{f}|{village}|{s}" for s in sexes)
    return keys


def all_record_keys(columns: Columns) -> list[list[str]]:
    """Keys of every record, computed once per distinct combination of coded values."""
    return list(iter_record_keys(columns))


KEY_CACHE = 100_000
"""Distinct records whose keys are remembered (for the records that repeat them) before
the memory is let go: a million records' keys need never be held at once."""


def iter_record_keys(columns: Columns) -> Iterator[list[str]]:
    """The keys of each record in row order, one at a time; the keys of records with
    the same coded values are worked out once (in the last `KEY_CACHE` distinct ones)."""
    own: dict[tuple[int, ...], list[str]] = {}
    of_case: dict[tuple[int, ...], list[str]] = {}
    middle = (columns.birth_earliest.astype(np.int64) + columns.birth_latest) // 2
    context, _ = case_contexts(columns)
    for row in range(len(columns)):
        given, family, sex = (
            int(columns.given[row]),
            int(columns.family[row]),
            int(columns.sex[row]),
        )
        signature = (
            given,
            family,
            int(columns.father[row]),
            int(columns.mother[row]),
            int(columns.place[row]),
            sex,
            (int(middle[row]) + BAND_DAYS // 2) // BAND_DAYS
            if columns.birth_earliest[row] >= 0
            else -1,
            int(middle[row]) // BAND_DAYS if columns.birth_earliest[row] >= 0 else -1,
        )
        keys = own.get(signature)
        if keys is None:
            if len(own) >= KEY_CACHE:
                own.clear()
            keys = own[signature] = _own_keys(columns, row)
        case_signature = (int(context[row]), given, family, sex)
        more = of_case.get(case_signature)
        if more is None:
            if len(of_case) >= KEY_CACHE:
                of_case.clear()
            more = of_case[case_signature] = _case_keys(columns, row)
        yield keys + more


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
    """Distinct pairs (a < b), sorted; a pair found in several blocks is kept once."""
    if not codes:
        empty = np.empty(0, dtype=np.int32)
        return empty, empty
    combined = np.empty(sum(len(c) for c in codes), dtype=np.int64)
    at = 0
    while codes:  # each piece is freed once copied: the pairs are never held twice
        piece = codes.pop()
        combined[at : at + len(piece)] = piece
        at += len(piece)
    combined.sort()
    keep = np.empty(len(combined), dtype=bool)
    keep[:1] = True
    np.not_equal(combined[1:], combined[:-1], out=keep[1:])
    combined = combined[keep]
    del keep
    dtype = np.int32 if n < 2**31 else np.int64
    second = (combined % n).astype(dtype)
    combined //= n
    return combined.astype(dtype), second


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

    Without `keys` or `kinds`, the keys of `record_keys` are built as integers for the
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
