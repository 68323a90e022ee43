"""The name comparisons of `matching.compare.names`, for arrays of pairs at once.

Each vocabulary of prepared values (family names, given names, parents'
names) becomes a table of integer codes, one row per unique value; the
levels of pairs of rows are then numpy expressions over those codes, in the
same order of tests as the scalar functions, which stay the reference
(`tests/matching/test_compare_arrays.py` holds the two to the same answers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz.distance import JaroWinkler

from matching.compare.arrays import Codes, Sets, equal_known, fuzzy_at_least, sets, shares_any
from matching.compare.names import (
    FUZZY_FAMILY,
    FUZZY_GIVEN,
    FUZZY_PARENT,
    _is_group,
    father_group,
    known_clan,
    known_given,
)
from matching.comparisons import COMPARISON
from matching.values import FamilyValue, GivenValue, ParentValue
from matching.variants import family_identity, folded_compact, weak_equivalent_identities


def _levels(name: str) -> dict[str, int]:
    return {level: i for i, level in enumerate(COMPARISON[name].levels)}


FAMILY = _levels("family_name")
GIVEN = _levels("given_names")
PARENT = _levels("father")


def _assign(out: np.ndarray, undecided: np.ndarray, hit: np.ndarray, level: int) -> np.ndarray:
    """Give `level` to undecided pairs that `hit`; return the pairs still undecided."""
    out[undecided & hit] = level
    return undecided & ~hit


@dataclass
class FamilyTable:
    folded: np.ndarray
    key: np.ndarray
    clan: np.ndarray
    """The clan group's code, -1 for bare orthographic keys (`k:` groups)."""
    spouse: np.ndarray
    compact: np.ndarray
    identity: np.ndarray
    weak: np.ndarray
    """Sorted codes identity_a * identities + identity_b of weakly equivalent family names."""
    identities: int
    keys: list[str]
    father: np.ndarray
    """The code of the known given-name group a patronym's father bears, -1 otherwise."""
    known_clan: np.ndarray
    """Family names the clan tables know (`names.known_clan`)."""
    fuzzy: dict[str, np.ndarray] = field(default_factory=dict)


def family_table(values: Sequence[FamilyValue]) -> FamilyTable:
    folded, keys, groups, compact, identity = Codes(), Codes(), Codes(), Codes(), Codes()
    fathers = Codes()
    rows = [
        (
            folded(v.folded),
            keys(v.key),
            groups(v.group) if _is_group(v.group) else -1,
            keys(v.spouse_key) if v.spouse_key else -1,
            compact(folded_compact(v.folded)),
            identity(family_identity(v.folded)),
            fathers(father_group(v)),
        )
        for v in values
    ]
    table = np.asarray(rows, dtype=np.int32).reshape(len(rows), 7)
    n = len(identity)
    weak = sorted(
        identity.get(x) * n + identity.get(y)
        for x, y in weak_equivalent_identities()
        if identity.get(x) >= 0 and identity.get(y) >= 0
    )
    return FamilyTable(
        *(table[:, k] for k in range(6)),
        weak=np.asarray(weak, dtype=np.int64),
        identities=n,
        keys=[str(k) for k in keys.values],
        father=table[:, 6],
        known_clan=np.array([known_clan(v) for v in values], dtype=bool),
    )


def family_levels(t: FamilyTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`family_level(values[x[k]], values[y[k]])` for every k, as level codes."""
    out = np.full(len(x), FAMILY["different"], dtype=np.int8)
    todo = np.ones(len(x), dtype=bool)
    todo = _assign(out, todo, t.folded[x] == t.folded[y], FAMILY["exact"])
    key_x, key_y = t.key[x], t.key[y]
    todo = _assign(out, todo, key_x == key_y, FAMILY["same_key"])
    todo = _assign(out, todo, equal_known(t.clan[x], t.clan[y]), FAMILY["same_clan_group"])
    spouse_x, spouse_y = t.spouse[x], t.spouse[y]
    married = ((spouse_x >= 0) & ((spouse_x == key_y) | (spouse_x == spouse_y))) | (
        (spouse_y >= 0) & (spouse_y == key_x)
    )
    todo = _assign(out, todo, married, FAMILY["married_name"])
    father_x, father_y = t.father[x], t.father[y]
    other_fathers = (father_x >= 0) & (father_y >= 0) & (father_x != father_y)
    todo = _assign(out, todo, other_fathers, FAMILY["different"])
    # Two clans the tables know (their groups differ, or the clan level took them) are
    # never near spellings of each other.
    rest = np.flatnonzero(todo & ~(t.known_clan[x] & t.known_clan[y]))
    fuzzy = np.zeros(len(x), dtype=bool)
    fuzzy[rest] = fuzzy_at_least(
        t.keys, key_x[rest], key_y[rest], JaroWinkler.similarity, FUZZY_FAMILY, t.fuzzy
    )
    todo = _assign(out, todo, fuzzy, FAMILY["fuzzy"])
    rest = np.flatnonzero(todo)
    id_x, id_y = t.identity[x[rest]], t.identity[y[rest]]
    n = np.int64(max(t.identities, 1))
    listed = np.isin(id_x.astype(np.int64) * n + id_y, t.weak)
    weak = listed & (id_x != id_y) & (t.compact[x[rest]] != t.compact[y[rest]])
    out[rest[weak]] = FAMILY["weak_equivalent"]
    return out


@dataclass
class GivenTable:
    folded: np.ndarray
    sorted_groups: np.ndarray
    first: np.ndarray
    short: np.ndarray
    alias: np.ndarray
    names: Sets
    """Groups and alias groups, a set per value."""
    joined: np.ndarray
    strings: list[str]
    known: np.ndarray
    """Values whose given names the tables all know (`names.known_given`)."""
    fuzzy: dict[str, np.ndarray] = field(default_factory=dict)


def given_table(values: Sequence[GivenValue]) -> GivenTable:
    folded, groups, names, joined = Codes(), Codes(), Codes(), Codes()
    rows = [
        (
            folded(v.folded) if v.folded else -1,
            groups(tuple(sorted(v.groups))) if v.groups else -1,
            names(v.groups[0]) if v.groups else -1,
            any(v.short),
            bool(v.alias_groups),
            joined(" ".join(v.keys)) if v.keys else -1,
        )
        for v in values
    ]
    table = np.asarray(rows, dtype=np.int32).reshape(len(rows), 6)
    return GivenTable(
        folded=table[:, 0],
        sorted_groups=table[:, 1],
        first=table[:, 2],
        short=table[:, 3].astype(bool),
        alias=table[:, 4].astype(bool),
        names=sets([[names(g) for g in (*v.groups, *v.alias_groups)] for v in values]),
        joined=table[:, 5],
        strings=[str(s) for s in joined.values],
        known=np.array([known_given(v) for v in values], dtype=bool),
    )


def given_levels(t: GivenTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`given_level(values[x[k]], values[y[k]])` for every k, as level codes."""
    out = np.full(len(x), GIVEN["different"], dtype=np.int8)
    todo = np.ones(len(x), dtype=bool)
    todo = _assign(out, todo, equal_known(t.folded[x], t.folded[y]), GIVEN["exact"])
    short = t.short[x] | t.short[y]
    same = equal_known(t.sorted_groups[x], t.sorted_groups[y]) & ~short
    todo = _assign(out, todo, same, GIVEN["same_group"])
    first = equal_known(t.first[x], t.first[y])
    todo = _assign(out, todo, first & short, GIVEN["alias_or_short"])
    todo = _assign(out, todo, first, GIVEN["same_group"])
    rest = np.flatnonzero(todo)
    shared = np.zeros(len(x), dtype=bool)
    shared[rest] = shares_any(t.names, x[rest], y[rest])
    todo = _assign(out, todo, shared & (t.alias[x] | t.alias[y] | short), GIVEN["alias_or_short"])
    other_names = t.known[x] & t.known[y]
    rest = np.flatnonzero(todo & (t.joined[x] >= 0) & (t.joined[y] >= 0) & ~other_names)
    fuzzy = np.zeros(len(x), dtype=bool)
    fuzzy[rest] = fuzzy_at_least(
        t.strings,
        t.joined[x[rest]],
        t.joined[y[rest]],
        JaroWinkler.similarity,
        FUZZY_GIVEN,
        t.fuzzy,
    )
    todo = _assign(out, todo, fuzzy, GIVEN["fuzzy"])
    out[todo & shared] = GIVEN["partial"]
    return out


@dataclass
class ParentTable:
    patronym: np.ndarray
    given_keys: np.ndarray
    family_key: np.ndarray
    groups: Sets
    joined: np.ndarray
    strings: list[str]
    fuzzy: dict[str, np.ndarray] = field(default_factory=dict)


def parent_table(values: Sequence[ParentValue]) -> ParentTable:
    given, family, joined = Codes(), Codes(), Codes()
    rows = [
        (
            v.from_patronym,
            given(v.given_keys) if v.given_keys else -1,
            family(v.family_key),
            joined(" ".join(v.given_keys)),
        )
        for v in values
    ]
    table = np.asarray(rows, dtype=np.int32).reshape(len(rows), 4)
    names = Codes()
    return ParentTable(
        patronym=table[:, 0].astype(bool),
        given_keys=table[:, 1],
        family_key=table[:, 2],
        groups=sets([[names(g) for g in v.given_groups] for v in values]),
        joined=table[:, 3],
        strings=[str(s) for s in joined.values],
    )


def parent_levels(t: ParentTable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`parent_level(values[x[k]], values[y[k]])` for every k, as level codes."""
    out = np.full(len(x), PARENT["different"], dtype=np.int8)
    todo = np.ones(len(x), dtype=bool)
    unnamed = (t.given_keys[x] < 0) | (t.given_keys[y] < 0)
    todo = _assign(out, todo, (t.patronym[x] & t.patronym[y]) | unnamed, PARENT["missing"])
    fk_x, fk_y = t.family_key[x], t.family_key[y]
    exact = equal_known(t.given_keys[x], t.given_keys[y]) & (
        (fk_x < 0) | (fk_y < 0) | (fk_x == fk_y)
    )
    todo = _assign(out, todo, exact, PARENT["exact"])
    rest = np.flatnonzero(todo)
    same = np.zeros(len(x), dtype=bool)
    same[rest] = shares_any(t.groups, x[rest], y[rest])
    todo = _assign(out, todo, same, PARENT["same_group"])
    rest = np.flatnonzero(todo)
    fuzzy = np.zeros(len(x), dtype=bool)
    fuzzy[rest] = fuzzy_at_least(
        t.strings,
        t.joined[x[rest]],
        t.joined[y[rest]],
        JaroWinkler.similarity,
        FUZZY_PARENT,
        t.fuzzy,
    )
    out[todo & fuzzy] = PARENT["fuzzy"]
    return out
