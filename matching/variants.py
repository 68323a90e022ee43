"""Name variant tables: which spellings are one name, and which names only look related.

The tables live in ``matching/data/`` (documented in its README.md) and are
read once, lazily. Every lookup goes through :func:`lookup_key`, the
orthographic key of the folded name with its spaces removed, so a spelling
that is not in a table but folds to the key of a listed spelling still
resolves ("Koulibaly" → coulibaly, "Abdoulkader" = "Abdoul Kader").

Relations returned by :func:`family_name_relation` and
:func:`given_name_relation`, strongest first:

``same_spelling``
    identical once folded, spaces ignored (Traoré / TRAORE; Abdoul Kader /
    Abdoulkader).
``same_group``
    listed in one variant group, or equal orthographic keys (Diarra / Jara).
``short_form``
    given names only: one side is a listed hypocoristic or usage form of the
    other's group (Fanta / Fatoumata). Lower weight than ``same_group``.
``joking_cousin``
    family names only: a senankuya pair (Diarra / Traoré). Joking cousins
    are NEVER the same name; this is a reason to keep two records apart, not
    a link.
``weak_equivalent``
    family names only: a sourced synonym (Diarra ≈ Koné) or jamu
    correspondence (Traoré ≈ Sanogo). A candidate link with a low weight,
    never a merge; :func:`family_equivalence` gives its strength and source.
``unrelated``
    none of the above.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from matching.text import fold, name_key

__all__ = [
    "Equivalence",
    "TitleEntry",
    "clan_group",
    "ethnic_groups_of",
    "family_equivalence",
    "family_name_relation",
    "given_group",
    "given_name_relation",
    "given_sex",
    "is_clan_name",
    "lookup_key",
    "titles_particles",
]

DATA_DIR = Path(__file__).parent / "data"

Relation = Literal[
    "same_spelling",
    "same_group",
    "short_form",
    "weak_equivalent",
    "joking_cousin",
    "unrelated",
]


@dataclass(frozen=True, slots=True)
class Equivalence:
    """One row of name_equivalences.csv, oriented as asked."""

    relation: str
    strength: str
    source: str
    note: str


@dataclass(frozen=True, slots=True)
class TitleEntry:
    """One row of titles_particles.csv."""

    token: str
    kind: str
    canonical: str
    source: str


def _rows(filename: str) -> list[dict[str, str]]:
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1 << 16)
def lookup_key(name: str) -> str:
    """The key every table is indexed by: name_key of the folded name without spaces."""
    return name_key(fold(name).replace(" ", ""))


@lru_cache(maxsize=1 << 16)
def _folded_compact(name: str) -> str:
    return fold(name).replace(" ", "")


# --- family names ------------------------------------------------------------


@cache
def _clan_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """clan_names.csv → ({lookup key: group_id}, {group_id: ethnic groups})."""
    by_key: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for row in _rows("clan_names.csv"):
        by_key.setdefault(lookup_key(row["name"]), row["group_id"])
        groups.setdefault(row["group_id"], tuple(filter(None, row["ethnic_groups"].split(";"))))
    return by_key, groups


def clan_group(family_name: str) -> str | None:
    """The clan-name group of a family name (``"traore"``), or None if unknown."""
    if not family_name:
        return None
    return _clan_table()[0].get(lookup_key(family_name))


def is_clan_name(name: str) -> bool:
    """Whether ``name`` is a known family name (by its orthographic key)."""
    return clan_group(name) is not None


def ethnic_groups_of(family_name: str) -> tuple[str, ...]:
    """Naming groups typically bearing the name (typical associations, not rules)."""
    group = clan_group(family_name)
    return _clan_table()[1].get(group, ()) if group else ()


def _identity(name: str) -> str:
    """The group id of a family name, or its bare key when it is in no group."""
    return clan_group(name) or "k:" + lookup_key(name)


@cache
def _equivalences() -> dict[tuple[str, str], Equivalence]:
    """name_equivalences.csv, indexed both ways by the identities of the two names."""
    table: dict[tuple[str, str], Equivalence] = {}
    for row in _rows("name_equivalences.csv"):
        found = Equivalence(row["relation"], row["strength"], row["source"], row["note"])
        a, b = _identity(row["name_a"]), _identity(row["name_b"])
        table[(a, b)] = table[(b, a)] = found
    return table


def family_identity(name: str) -> str:
    """What equivalences are listed by: the clan group, or the bare key of an unknown name."""
    return _identity(name)


def folded_compact(name: str) -> str:
    """The name folded, without spaces: two spellings equal here are the same spelling."""
    return _folded_compact(name)


def weak_equivalent_identities() -> frozenset[tuple[str, str]]:
    """Identity pairs (both ways) that `family_name_relation` calls ``weak_equivalent``."""
    return frozenset(k for k, v in _equivalences().items() if v.relation != "joking_cousin")


def family_equivalence(a: str, b: str) -> Equivalence | None:
    """The listed relation (synonym, correspondence, joking_cousin) between two family names."""
    if not a or not b:
        return None
    return _equivalences().get((_identity(a), _identity(b)))


def family_name_relation(a: str, b: str) -> Relation:
    """How two family names relate (see the module docstring for the levels)."""
    if not a or not b:
        return "unrelated"
    if _folded_compact(a) == _folded_compact(b):
        return "same_spelling"
    identity_a, identity_b = _identity(a), _identity(b)
    if identity_a == identity_b:
        return "same_group"
    found = _equivalences().get((identity_a, identity_b))
    if found is None:
        return "unrelated"
    return "joking_cousin" if found.relation == "joking_cousin" else "weak_equivalent"


# --- given names -------------------------------------------------------------


@cache
def _given_table() -> dict[str, tuple[str, str, str]]:
    """given_names.csv → {lookup key: (group_id, kind, sex)}; title rows excluded."""
    table: dict[str, tuple[str, str, str]] = {}
    for row in _rows("given_names.csv"):
        if row["kind"] == "title":
            continue
        table.setdefault(lookup_key(row["name"]), (row["group_id"], row["kind"], row["sex"]))
    return table


def given_group(given: str) -> tuple[str, str] | None:
    """(group_id, kind) of a given name, kind being ``spelling`` or ``short``; None if unknown.

    Titles (Hadja, El Hadj, Lalla) are not names and return None.
    """
    if not given:
        return None
    found = _given_table().get(lookup_key(given))
    return (found[0], found[1]) if found else None


@cache
def given_group_ids() -> frozenset[str]:
    """The ids of the given-name groups of the reference table."""
    return frozenset(group for group, _, _ in _given_table().values())


def given_sex(given: str) -> str | None:
    """``"F"`` or ``"M"`` when the given name's group is typically borne by one sex."""
    if not given:
        return None
    found = _given_table().get(lookup_key(given))
    return found[2] if found and found[2] else None


def given_name_relation(a: str, b: str) -> Relation:
    """How two given names (single or compound) relate (module docstring)."""
    if not a or not b:
        return "unrelated"
    if _folded_compact(a) == _folded_compact(b):
        return "same_spelling"
    key_a, key_b = lookup_key(a), lookup_key(b)
    table = _given_table()
    found_a, found_b = table.get(key_a), table.get(key_b)
    if found_a and found_b and found_a[0] == found_b[0]:
        return "short_form" if "short" in (found_a[1], found_b[1]) else "same_group"
    if key_a == key_b:
        return "same_group"
    return "unrelated"


# --- titles and particles ----------------------------------------------------


@cache
def titles_particles() -> dict[str, TitleEntry]:
    """titles_particles.csv → {folded token (may hold a space): entry}."""
    return {
        fold(row["token"]): TitleEntry(
            fold(row["token"]), row["kind"], row["canonical"], row["source"]
        )
        for row in _rows("titles_particles.csv")
    }
