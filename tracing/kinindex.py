"""The index of name identities kinship inference reads (`tracing.infer`): who bears a
name, who declares it as a father's or a mother's, who bears it as a patronym, who is
named in a case file; and the crowds around a person's names.

The index says which keys a person is filed under (`index_keys`) and which it reads
(`lookup_keys`); `READERS` inverts them, so a graph update knows whose inferences a
changed person can change, and `crowds` says when the population around a person moved
enough to change them in any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tracing.persons import Profile

__all__ = [
    "MAX_CANDIDATES",
    "READERS",
    "TABLES",
    "KinIndex",
    "band",
    "crowds",
    "father_keys",
    "index_keys",
    "lookup_keys",
    "mother_keys",
    "parent_crowd",
    "sibling_crowd",
]

MAX_CANDIDATES = 300  # a key this common says little; its candidates are skipped
SIBLINGS_BEFORE_DOUBT = 3.0  # log2 of how many children may declare one parent's name
PARENTS_BEFORE_DOUBT = 1.5
"""log2 of how many persons may bear a declared parent's name before each is less likely
the parent: about one in three of them is of the parent's sex and age (measured on the
generated population: the fathers that fit a child's declaration are a third to a half of
the persons bearing that name)."""


Key = tuple[str, str]  # (given-name identity, family-name identity or "")


def _keys(given: Iterable[str], families: Iterable[str]) -> set[Key]:
    families = set(families) or {""}
    return {(g, f) for g in given for f in families}


def father_keys(child: Profile) -> set[Key]:
    """The keys of the fathers a child declares (the child's jamu when none is written)."""
    found: set[Key] = set()
    for d in child.fathers:
        found |= _keys(d.given[:1], d.family or child.family)
    return found


def mother_keys(child: Profile) -> set[Key]:
    """The keys of the mothers a child declares: her name, her husband's, the child's."""
    found: set[Key] = set()
    for d in child.mothers:
        found |= _keys(d.given[:1], d.family | d.spouse_family | child.family)
    return found


def own_keys(p: Profile) -> set[Key]:
    return _keys(p.given, p.family | p.married_family)


TABLES = ("name", "given", "father", "mother", "patronym", "case")
"""The tables of a `KinIndex`: own names, own given names, declared fathers' and mothers'
names, patronyms, case files."""


def index_keys(p: Profile) -> dict[str, set]:
    """The keys a person is filed under, per table."""
    return {
        "name": own_keys(p),
        "given": set(p.given),
        "father": father_keys(p),
        "mother": mother_keys(p),
        "patronym": set(p.patronyms),
        "case": set(p.cases),
    }


def lookup_keys(p: Profile) -> dict[str, set]:
    """The keys `infer_for` reads for a person, per table: its parents' names among the
    persons' own names, and the children declaring the same parents (its brothers and
    sisters, and the crowd around its parents' names)."""
    held = index_keys(p)
    return {
        "name": held["father"] | held["mother"],
        "given": held["patronym"],
        "father": held["father"],
        "mother": held["mother"],
        "patronym": held["patronym"],
        "case": held["case"],
    }


READERS: dict[str, tuple[str, ...]] = {
    "name": ("father", "mother"),
    "given": ("patronym",),
    "father": ("father",),
    "mother": ("mother",),
    "patronym": ("patronym",),
    "case": ("case",),
}
"""Whose inferences a key reads: a person filed under (table, key) is read by the persons
filed under (reader table, key), the inverse of `lookup_keys`. A change to one person
changes the inferences of these persons only."""


@dataclass(slots=True)
class KinIndex:
    """Profiles indexed by the identities of their own names and of their parents' names.

    ``sizes`` holds the true number of persons under a key when the index was built from
    part of the population (the persons whose inferences are recomputed and their
    candidates); a key read from it is then skipped or counted as in the whole one.
    """

    profiles: dict[str, Profile]
    by_name: dict[Key, set[str]] = field(default_factory=dict)
    by_given: dict[str, set[str]] = field(default_factory=dict)
    by_father: dict[Key, set[str]] = field(default_factory=dict)
    by_mother: dict[Key, set[str]] = field(default_factory=dict)
    by_patronym: dict[str, set[str]] = field(default_factory=dict)
    by_case: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    sizes: dict[tuple[str, Any], int] = field(default_factory=dict)

    @classmethod
    def build(
        cls, profiles: dict[str, Profile], sizes: dict[tuple[str, Any], int] | None = None
    ) -> KinIndex:
        index = cls(profiles, sizes=sizes or {})
        for person, p in profiles.items():
            for table, keys in index_keys(p).items():
                held = index.table(table)
                for key in keys:
                    held.setdefault(key, set()).add(person)
        return index

    def table(self, name: str) -> dict[Any, set[str]]:
        return getattr(self, "by_" + name)

    def size(self, table: str, key: Any) -> int:
        found = self.sizes.get((table, key))
        return len(self.table(table).get(key, ())) if found is None else found

    def take(self, table: str, keys: Iterable) -> set[str]:
        found: set[str] = set()
        held = self.table(table)
        for k in keys:
            if self.size(table, k) <= MAX_CANDIDATES:
                found.update(held.get(k, ()))
        return found

    def same_case(self, p: Profile) -> set[str]:
        found: set[str] = set()
        for case in p.cases:
            found.update(self.by_case.get(case, ()))
        found.discard(p.person)
        return found


Size = Callable[[str, Any], int]
"""How many persons are filed under a key of a table (`KinIndex.size`)."""


def band(size: int) -> float:
    """log2 of a crowd's size rounded down to a half: a crowd's penalty moves only when
    its size grows by about two fifths, so a person joining it changes the inferences
    of the persons reading it only then (`crowds`, bounded graph updates)."""
    return ((size * size).bit_length() - 1) / 2 if size > 0 else 0.0


def parent_crowd(p: Profile, role: str, size: Size) -> float:
    """Several persons bear the name a child declares for a parent: each is less likely the
    one. Counted over the names read (a name past `MAX_CANDIDATES` proposes nobody)."""
    sizes = [size("name", k) for k in (father_keys(p) if role == "father" else mother_keys(p))]
    if role == "father":
        sizes += [size("given", g) for g in p.patronyms]
    bearing = sum(s for s in sizes if s <= MAX_CANDIDATES)
    return max(0.0, band(bearing) - PARENTS_BEFORE_DOUBT) / 2


def sibling_crowd(p: Profile, size: Size) -> float:
    """A parent's name many children declare (a common name in a big population) says
    less. Past MAX_CANDIDATES a name is skipped and its crowd no longer grows: a person
    joining a crowd that big changes nobody's inferences (bounded updates)."""
    declaring = [min(size("father", k), MAX_CANDIDATES + 1) for k in father_keys(p)]
    declaring += [min(size("mother", k), MAX_CANDIDATES + 1) for k in mother_keys(p)]
    return max(0.0, band(min(declaring)) - SIBLINGS_BEFORE_DOUBT) if declaring else 0.0


def crowds(p: Profile, size: Size) -> tuple:
    """Everything of the population besides a candidate's own profile that a person's
    inferences depend on: the crowd penalties and which of the names it reads are read.
    While these stay the same, a person joining a name changes another's inferences only
    by the inferences about the newcomer (`infer_for` with ``among``)."""
    read = tuple(
        sorted(
            (table, key)
            for table, keys in lookup_keys(p).items()
            if table != "case"
            for key in keys
            if size(table, key) <= MAX_CANDIDATES
        )
    )
    father, mother = parent_crowd(p, "father", size), parent_crowd(p, "mother", size)
    return father, mother, sibling_crowd(p, size), read
