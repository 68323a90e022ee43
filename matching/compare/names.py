"""Name comparisons on normalised values: family names, given names, parents' names.

Each function takes two prepared values (never raw strings) and returns the
name of a level of the model's comparison (see `matching.comparisons.COMPARISONS`).
"""

from __future__ import annotations

from rapidfuzz.distance import JaroWinkler

from matching.values import FamilyValue, GivenValue, ParentValue
from matching.variants import family_name_relation, given_group_ids

FUZZY_FAMILY = 0.88
FUZZY_GIVEN = 0.90
FUZZY_PARENT = 0.88


def _is_group(group: str) -> bool:
    """Groups from the variant tables; `k:` groups are bare orthographic keys."""
    return not group.startswith("k:")


def father_group(value: FamilyValue) -> str | None:
    """The given-name group of the father a patronym names ("Ag Mamadou": Muhammad), when
    the reference table knows the name; None for any other family name."""
    if not value.group.startswith("pat:"):
        return None
    group = value.group.split("|", 1)[1]
    return group if group in given_group_ids() else None


def other_fathers(a: FamilyValue, b: FamilyValue) -> bool:
    """Two patronyms naming fathers of different known names ("Ag Mamadou", "Ag Adama";
    "Walet Moussa", "Walet Mamadou"): different fathers, however alike they are spelt."""
    fa, fb = father_group(a), father_group(b)
    return fa is not None and fb is not None and fa != fb


def known_clan(value: FamilyValue) -> bool:
    """A family name the clan tables know (not a bare key, not a patronym)."""
    return _is_group(value.group) and not value.group.startswith("pat:")


def other_clans(a: FamilyValue, b: FamilyValue) -> bool:
    """Two family names the clan tables know, of different clans ("Konaté" / "Koné" /
    "Konaré", "Sissoko" / "Cissé"): two names, not a slip of the pen, however alike
    they are spelt (a near spelling is left to names the tables miss)."""
    return known_clan(a) and known_clan(b) and a.group != b.group


def known_given(value: GivenValue) -> bool:
    """Given names the tables know, every one of them."""
    return bool(value.groups) and all(_is_group(g) for g in value.groups)


def other_given_names(a: GivenValue, b: GivenValue) -> bool:
    """Given names the tables know on both sides, and not the same ("Moussa" /
    "Moustapha", "Sidi" / "Sidiki", "Mahamadou" / "Mahamoudou"; "Moussa Ibrahim" /
    "Moustapha Ibrahim" share one name, which `partial` says): other names, however
    alike they are spelt, never a slip of the pen."""
    return known_given(a) and known_given(b)


def family_level(a: FamilyValue, b: FamilyValue) -> str:
    if a.folded == b.folded:
        return "exact"
    if a.key == b.key:
        return "same_key"
    if a.group == b.group and _is_group(a.group):
        return "same_clan_group"
    if (a.spouse_key and a.spouse_key in (b.key, b.spouse_key)) or (
        b.spouse_key and b.spouse_key == a.key
    ):
        return "married_name"
    if other_fathers(a, b):
        return "different"
    if not other_clans(a, b) and JaroWinkler.similarity(a.key, b.key) >= FUZZY_FAMILY:
        return "fuzzy"
    if family_name_relation(a.folded, b.folded) == "weak_equivalent":
        return "weak_equivalent"
    return "different"


def given_level(a: GivenValue, b: GivenValue) -> str:
    if a.folded and a.folded == b.folded:
        return "exact"
    if a.groups and sorted(a.groups) == sorted(b.groups) and not any(a.short + b.short):
        return "same_group"
    names_a = {*a.groups, *a.alias_groups}
    names_b = {*b.groups, *b.alias_groups}
    if a.groups and b.groups and a.groups[0] == b.groups[0]:
        return "alias_or_short" if any(a.short + b.short) else "same_group"
    if names_a & names_b and (a.alias_groups or b.alias_groups or any(a.short + b.short)):
        return "alias_or_short"
    if (
        a.keys
        and b.keys
        and not other_given_names(a, b)
        and JaroWinkler.similarity(" ".join(a.keys), " ".join(b.keys)) >= FUZZY_GIVEN
    ):
        return "fuzzy"
    if names_a & names_b:
        return "partial"
    return "different"


def parent_level(a: ParentValue, b: ParentValue) -> str:
    """Parents are told apart by their given names.

    Two patronyms (Ag X, Walet X) are the family-name comparison again: not counted
    twice. A parent known by a family name alone ("Mme Diallo", most often the married
    name) says nothing. A parent's family name may be the birth or the married one, or
    be left out: given names that agree agree whatever the family names say.
    """
    if (a.from_patronym and b.from_patronym) or not a.given_keys or not b.given_keys:
        return "missing"
    if a.given_keys == b.given_keys and (
        a.family_key is None or b.family_key is None or a.family_key == b.family_key
    ):
        return "exact"
    if set(a.given_groups) & set(b.given_groups):
        return "same_group"
    if JaroWinkler.similarity(" ".join(a.given_keys), " ".join(b.given_keys)) >= FUZZY_PARENT:
        return "fuzzy"
    return "different"
