"""The normalised values matching compares, one per distinct raw value, and how a raw
value becomes one: a family name with its key and clan group, given names with their
variant groups and aliases, a parent's name, a place; `Vocabulary` codes them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from matching.name_tokens import MARRIED_TITLES
from matching.names import NameParts, parse_name
from matching.text import name_key
from matching.variants import clan_group, given_group
from models.birthdates import is_unknown


@dataclass(frozen=True, slots=True)
class FamilyValue:
    """A birth family name (folded), its orthographic key and its clan group."""

    folded: str
    key: str
    group: str
    spouse_key: str | None = None
    shown: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class GivenValue:
    """Given names in order, with their keys and variant groups, and aliases."""

    folded: tuple[str, ...]
    keys: tuple[str, ...]
    groups: tuple[str, ...]
    alias_keys: tuple[str, ...] = ()
    alias_groups: tuple[str, ...] = ()
    short: tuple[bool, ...] = ()
    shown: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class ParentValue:
    """A parent's name as declared (or the patronym after Ag / Ould / Walet / Mint)."""

    given_keys: tuple[str, ...]
    given_groups: tuple[str, ...]
    family_key: str | None
    shown: str = field(default="", compare=False)
    from_patronym: bool = False
    """Known only from the person's own Ag / Walet / Ould / Mint name, not declared."""


@dataclass(frozen=True, slots=True)
class PlaceValue:
    village: str | None
    commune: str | None
    cercle: str | None
    region: str | None
    shown: str = field(default="", compare=False)


class Vocabulary:
    """Codes for unique values: `code(value)` is stable within one run."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._codes: dict[Hashable, int] = {}

    def code(self, value: Hashable | None) -> int:
        if value is None:
            return -1
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found

    __call__ = code

    def get(self, value: Hashable) -> int:
        """The code of a value already seen, -1 otherwise."""
        return self._codes.get(value, -1)

    def __len__(self) -> int:
        return len(self.values)


def _group_of_given(token_key: str, folded: str) -> tuple[str, bool]:
    found = given_group(folded)
    if found is None:
        return "k:" + token_key, False
    group, kind = found
    return group, kind == "short"


def family_value(parts: NameParts, shown: str) -> FamilyValue | None:
    if not parts.family:
        return None
    folded = " ".join(parts.family)
    key = " ".join(name_key(t) for t in folded.split())
    group = clan_group(folded) or "k:" + key
    if parts.patronym and parts.patronym_particle:
        # Ag Mohamed, Ag Mahamadou and Ag Mamadou name one father's given-name group; the
        # group is what its term frequency counts (a common father's name proves little).
        father = given_group(parts.patronym)
        group = f"pat:{parts.patronym_particle}|{father[0] if father else name_key(parts.patronym)}"
    spouse = name_key(parts.spouse_family) if parts.spouse_family else None
    return FamilyValue(folded, key, group, spouse, shown)


def given_value(parts: NameParts, shown: str) -> GivenValue | None:
    if not parts.given and not parts.aliases:
        return None
    keys = tuple(name_key(t) for t in parts.given)
    pairs = [_group_of_given(k, t) for k, t in zip(keys, parts.given, strict=True)]
    alias_tokens = tuple(t for alias in parts.aliases for t in alias.split())
    alias_keys = tuple(name_key(t) for t in alias_tokens)
    alias_groups = tuple(
        _group_of_given(k, t)[0] for k, t in zip(alias_keys, alias_tokens, strict=True)
    )
    return GivenValue(
        parts.given,
        keys,
        tuple(g for g, _ in pairs),
        alias_keys,
        alias_groups,
        tuple(s for _, s in pairs),
        shown,
    )


SON_OF = frozenset({"ag", "ould"})
"""Particles of a son's patronym (as `parse_name` writes them): after Mme or Veuve they
name the husband; a daughter's (Walet, Mint) names the woman's own father."""


def _all_given(words: tuple[str, ...]) -> bool:
    tokens = [t for w in words for t in w.split()]
    return all(given_group(t) is not None and clan_group(t) is None for t in tokens)


def parent_value(written: str | None, patronym: str | None) -> ParentValue | None:
    if written and is_unknown(written):
        written = None  # "inconnu", "NSP": no parent named, not a parent called Inconnu
    if not written and not patronym:
        return None
    given: tuple[str, ...] = ()
    family: str | None = None
    if written:
        parts = parse_name(full_name=written)
        given = parts.given
        husbands = parts.patronym_particle in SON_OF and not MARRIED_TITLES.isdisjoint(parts.titles)
        if parts.patronym and not given and not husbands:
            # "Mme Ag Mohamed", "Veuve Ould Moussa": a son's patronym after Mme is the
            # husband's name, not a mother's given name (she is named by none at all).
            given = (parts.patronym,)
        family_words = parts.family
        if not parts.patronym and family_words and _all_given(family_words):
            # A parent is often written by given names alone ("Mamadou Lamine", "Abdoul
            # Kader Sidi"): a "family name" that is a known given name and no clan name
            # is one more given name.
            given, family_words = (*given, *family_words), ()
        family = " ".join(family_words) if family_words else None
    if patronym and patronym not in given:
        given = (*given, patronym)
    keys = tuple(name_key(t) for t in given)
    groups = tuple(_group_of_given(k, t)[0] for k, t in zip(keys, given, strict=True))
    family_key = " ".join(name_key(t) for t in family.split()) if family else None
    return ParentValue(keys, groups, family_key, written or patronym or "", not written)


def name_values(
    raw: tuple[str | None, ...],
) -> tuple[FamilyValue | None, GivenValue | None, str | None]:
    """The family and given values and the patronym of one raw (full, family, given, aliases)."""
    parts = parse_name(full_name=raw[0], family_name=raw[1], given_names=raw[2], aliases=raw[3])
    shown = raw[0] or " ".join(p for p in (raw[2], raw[1]) if p)
    return family_value(parts, shown), given_value(parts, shown), parts.patronym
