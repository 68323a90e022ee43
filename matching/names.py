"""Parse a written person name into its parts; no scoring here (habit 3).

Representation choices (see shared/reference/malian-naming.md §3):

* ``family`` holds the BIRTH family name, folded, usually one token. Order
  on the page is found from capitals first ("TRAORE Aminata", "Aminata
  TRAORE": a token written in capitals is the family name when the rest is
  not), then from the clan-name table (a known jamu first or last), else the
  last token (Given SURNAME is the free-text order). A name that starts with a
  compound given name of the variant table ("Abdoul Kader") and holds only
  known given names after it and no clan name has no family name: suspects
  are often known by given names alone ("Abdoul Kader Sidi").
* Tamasheq and Moorish names: "Ag / Walet / Ould / Mint + father's given
  name" is the patronym that civil status fixed as the family name [S18,
  S16]. So ``family = ("ag ghaly",)`` (normalised particle + folded father's
  name, one element with a space), ``patronym = "ghaly"`` and
  ``patronym_particle = "ag"``. Particles are normalised (Agg→ag;
  Wallet/Welet/Oult→walet; Ben/Ibn/Wuld→ould; Bint/Ment→mint) because the
  same person is "Ben" in Arabic papers and "Ould" in French ones [S16]. A
  chain ("Ag Intalla Ag Attaher", grandfather added against homonyms [S18])
  gives one family element per link; the patronym is the first link.
* A married woman keeps her name [S11]: "Aminata Traoré épouse Diarra" and
  "Mme Diarra née Traoré" both give ``family = ("traore",)`` and
  ``spouse_family = "diarra"``. A surname after Mme / Madame / Veuve with no
  "née" may be either, so it is kept as ``family`` AND ``spouse_family`` with
  ``family_may_be_spouse = True``.
* Aliases (``dit / dite / alias / surnommé``, "quoted", «quoted», (in
  parentheses), and the ``aliases`` field split on ``;``) are folded whole
  strings; they never enter ``given``.
* Titles (El Hadj, Hadja, Mme, Dr …) are dropped into ``titles`` (canonical
  form). Lalla is a title unless it is the only given name. Honorific prefixes
  (Cheick, Sidi, Alpha) are real given names too, so they stay in ``given``;
  ``core_given`` omits them when they lead a longer name.
* Compound given names stay separate tokens in order ("mamadou", "lamine").
  A male given name after a female one ("Hawa Modibo TRAORE") is kept in
  ``given`` and also exposed as ``possible_parent_given``: the Code allows a
  parent's given name to be added to one's own [S11].
* One-letter tokens (initials) and tokens with digits are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from matching.name_tokens import (
    ALIAS_MARKERS,
    CONNECTORS,
    MARRIED_TITLES,
    Token,
    extract_quoted,
    kind_of,
    segment,
    strip_titles,
    take_patronyms,
    tokenize,
)
from matching.text import fold, name_key
from matching.variants import given_group, given_sex, is_clan_name, titles_particles

__all__ = ["NameParts", "parse_name"]


@dataclass(frozen=True, slots=True)
class NameParts:
    """A person's name split into parts, all folded (``matching.text.fold``)."""

    family: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    patronym: str | None = None
    patronym_particle: str | None = None
    spouse_family: str | None = None
    family_may_be_spouse: bool = False
    possible_parent_given: str | None = None
    titles: tuple[str, ...] = ()
    raw: str = ""

    @property
    def core_given(self) -> tuple[str, ...]:
        """Given names without leading honorifics (Cheick, Sidi, Alpha) when more follow."""
        table = titles_particles()
        given = self.given
        while len(given) > 1 and kind_of(table, given[0]) == "honorific":
            given = given[1:]
        return given

    def keys(self) -> tuple[str, ...]:
        """Orthographic keys of the family and given tokens, in order, for blocking."""
        seen: dict[str, None] = {}
        for part in (*self.family, *self.given):
            seen.setdefault(name_key(part), None)
        return tuple(seen)


# --- finding the family name -------------------------------------------------


def _given_names_only(words: list[str]) -> bool:
    """A compound given name first ("Abdoul Kader"), then only known given names, and no
    clan name: a person known by given names alone, as suspects often are."""
    if any(is_clan_name(w) for w in words):
        return False
    for end in range(len(words), 1, -1):
        if given_group(" ".join(words[:end])):
            return all(given_group(w) for w in words[end:])
    return False


def _family_index(words: list[str]) -> int | None:
    """Position of the family name when capitals do not tell (None: no family name)."""
    n = len(words)
    if n == 0:
        return None
    if n == 1:
        return 0 if is_clan_name(words[0]) else None
    if _given_names_only(words):
        return None  # "Abdoul Aziz", "Abdoul Kader Sidi": given names and no family name
    last_is_clan = is_clan_name(words[-1])
    if is_clan_name(words[0]) and not last_is_clan:
        return 0
    if not last_is_clan and given_group(words[-1]) and not given_group(words[0]):
        return 0  # "Ouologuem Amadou": an unknown word before a known given name
    return n - 1


def _split_family(tokens: list[Token], mixed_case: bool) -> tuple[list[str], list[str]]:
    """(family words, given words) of a run of name tokens."""
    if mixed_case and True in (caps for _, caps in tokens):
        return [w for w, caps in tokens if caps], [w for w, caps in tokens if not caps]
    words = [w for w, _ in tokens]
    index = _family_index(words)
    if index is None:
        return [], words
    return [words[index]], words[:index] + words[index + 1 :]


def _surname_of(tokens: list[Token], mixed_case: bool) -> tuple[str | None, list[str]]:
    """A spouse or birth segment ("épouse de M. DIARRA"): (family name, other words)."""
    titles: list[str] = []
    tokens, _ = strip_titles(tokens, titles)
    while tokens and tokens[0][0] in CONNECTORS:
        tokens = tokens[1:]
    rest, chain = take_patronyms(tokens)
    if chain:
        return _chain_family(chain)[0], [w for w, _ in rest]
    if not rest:
        return None, []
    family, given = _split_family(rest, mixed_case)
    if not family:  # an unknown single word after épouse/née is still a surname
        family, given = [given[-1]], given[:-1]
    return " ".join(family), given


def _hers(tokens: list[Token]) -> bool:
    """Whether the given names after a husband's surname are the woman's: "TOURÉ ÉPOUSE
    SOUMARÉ Mariam" names Mariam, "Traoré épouse de (M.) Moussa Diarra" names him."""
    titles: list[str] = []
    strip_titles(tokens, titles)
    return bool(tokens) and not titles and tokens[0][0] not in CONNECTORS


def _chain_family(chain: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(f"{particle} {name}" for particle, name in chain)


# --- assembling --------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    family: tuple[str, ...] = ()
    given: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    chain: tuple[tuple[str, str], ...] = ()
    spouse: str | None = None
    definite: bool = False  # an épouse / née / veuve segment says which name is whose
    titles: tuple[str, ...] = ()
    lalla: bool = False


def _parse_text(text: str, *, all_family: bool = False, all_given: bool = False) -> _Draft:
    """Parse one written name; ``all_family``/``all_given`` for explicit fields."""
    aliases, text = extract_quoted(text)
    main, segments = segment(tokenize(text))
    titles: list[str] = []
    main, lalla = strip_titles(main, titles)
    rest, chain = take_patronyms(main)
    alias_segments = [tokens for kind, tokens in segments if kind == "alias"]
    named = rest + [t for tokens in alias_segments for t in tokens]
    capitals = {caps for _, caps in named}
    mixed_case = len(capitals) == 2  # some words in capitals, some not
    married = not MARRIED_TITLES.isdisjoint(titles)

    family: list[str]
    if chain or all_given:
        family, given = [], [w for w, _ in rest]
    elif all_family:
        family, given = [w for w, _ in rest], []
    else:
        family, given = _split_family(rest, mixed_case)
        if not family and len(given) == 1 and married and not given_group(given[0]):
            family, given = given, []  # "Mme Ouologuem"
        if not family:
            family = _family_from_alias(alias_segments, mixed_case)

    spouse: str | None = None
    definite = False
    for kind, tokens in segments:
        if kind == "alias":
            continue
        definite = True
        surname, others = _surname_of(tokens, mixed_case)
        if kind == "spouse":
            spouse = spouse or surname
            if not given and _hers(tokens):
                given = others
            continue
        # "X née Y": X is the married name, Y the birth name.
        if not family and len(given) == 1 and not all_given and not given_group(given[0]):
            family, given = given, []  # "Ouologuem née Traoré"
        if family and not chain:
            spouse = " ".join(family)
        family = [surname] if surname else []
        given = given or others
    for tokens in alias_segments:
        if tokens:
            aliases.append(" ".join(w for w, _ in tokens))
    return _Draft(
        family=_chain_family(chain) if chain else tuple(family),
        given=tuple(given),
        aliases=tuple(aliases),
        chain=tuple(chain),
        spouse=spouse,
        definite=definite,
        titles=tuple(titles),
        lalla=lalla,
    )


def _family_from_alias(alias_segments: list[list[Token]], mixed_case: bool) -> list[str]:
    """ "Aminata dite Mina TRAORE": a trailing surname inside the last alias segment.

    Moved only when something of the alias remains and the surname is sure:
    written in capitals, or (without case information) a known clan name.
    """
    if not alias_segments or len(alias_segments[-1]) < 2:
        return []
    tokens = alias_segments[-1]
    if not mixed_case:
        return [tokens.pop()[0]] if is_clan_name(tokens[-1][0]) else []
    cut = len(tokens)
    while cut > 0 and tokens[cut - 1][1]:
        cut -= 1
    if cut in (0, len(tokens)):
        return []
    moved = [w for w, _ in tokens[cut:]]
    del tokens[cut:]
    return moved


def _possible_parent(given: tuple[str, ...]) -> str | None:
    seen_female = False
    for word in given:
        sex = given_sex(word)
        if sex == "M" and seen_female:
            return word
        seen_female = seen_female or sex == "F"
    return None


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


def _aliases_field(aliases: str) -> tuple[str, ...]:
    """The ``aliases`` field: ``;``-separated, each maybe quoted or led by "dit"."""
    found: list[str] = []
    for item in aliases.split(";"):
        quoted, rest = extract_quoted(item)
        words = fold(rest).split()
        while words and words[0] in ALIAS_MARKERS:
            words = words[1:]
        found.extend([*quoted, " ".join(words)])
    return tuple(found)


def _finish(draft: _Draft, raw: str) -> NameParts:
    """Rules that need the whole name: a lone Lalla, a surname after Mme / Veuve."""
    given, titles, spouse = draft.given, draft.titles, draft.spouse
    if not given and draft.lalla:
        given, titles = ("lalla",), tuple(t for t in titles if t != "lalla")
    may_be_spouse = (
        bool(draft.family)
        and not draft.chain
        and not draft.definite
        and not MARRIED_TITLES.isdisjoint(titles)
    )
    if may_be_spouse:
        spouse = " ".join(draft.family)
    chain = draft.chain
    return NameParts(
        family=draft.family,
        given=given,
        aliases=_dedupe(list(draft.aliases)),
        patronym=chain[0][1] if chain else None,
        patronym_particle=chain[0][0] if chain else None,
        spouse_family=spouse,
        family_may_be_spouse=may_be_spouse,
        possible_parent_given=_possible_parent(given),
        titles=_dedupe(list(titles)),
        raw=raw,
    )


_PATRONYM_FIRST = re.compile(r"^\s*(ag|agg|walet|wallet|welet|oult|ould|ben|ibn|mint|bint)\b", re.I)


def _fields_swapped(family_name: str, given_names: str) -> bool:
    """A clerk wrote the family name in the given-names box and the given name in the other:
    the given names start with Ag / Walet / Ould / Mint, or are a clan name while the
    family name is a known given name."""
    if _PATRONYM_FIRST.match(given_names) and not _PATRONYM_FIRST.match(family_name):
        return True
    family, given = fold(family_name), fold(given_names)
    return (
        is_clan_name(given)
        and not is_clan_name(family)
        and given_group(family) is not None
        and given_group(given) is None
    )


@lru_cache(maxsize=1 << 16)
def parse_name(
    full_name: str | None = None,
    family_name: str | None = None,
    given_names: str | None = None,
    aliases: str | None = None,
) -> NameParts:
    """Split a name into family, given, alias, patronym and spouse parts.

    Explicit ``family_name`` / ``given_names`` fields win; ``full_name`` fills
    whichever of the two is missing. ``aliases`` is split on ``;``.
    """
    if full_name and not (family_name or given_names or aliases):
        return _finish(_parse_text(full_name), full_name)  # the common case
    if family_name and given_names and _fields_swapped(family_name, given_names):
        family_name, given_names = given_names, family_name
    family_draft = _parse_text(family_name, all_family=True) if family_name else None
    given_draft = _parse_text(given_names, all_given=True) if given_names else None
    full_draft = _parse_text(full_name) if full_name else None
    drafts = [d for d in (family_draft, given_draft, full_draft) if d is not None]

    family = family_draft.family if family_draft is not None else ()
    given = given_draft.given if given_draft is not None else ()
    if full_draft is not None:
        if not family:
            family = tuple(w for w in full_draft.family if w not in given) or full_draft.family
        if not given:
            given = tuple(w for w in (*full_draft.given, *full_draft.family) if w not in family)
    chain = next((d.chain for d in drafts if d.chain), ())
    merged = _Draft(
        family=family or _chain_family(list(chain)),
        given=given,
        aliases=(*(a for d in drafts for a in d.aliases), *_aliases_field(aliases or "")),
        chain=chain,
        spouse=next((d.spouse for d in drafts if d.spouse), None),
        definite=any(d.definite for d in drafts),
        titles=tuple(t for d in drafts for t in d.titles),
        lalla=any(d.lalla for d in drafts),
    )
    raw = " | ".join(s for s in (full_name, family_name, given_names, aliases) if s)
    return _finish(merged, raw)
