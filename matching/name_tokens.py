"""Written names cut into folded tokens: quoted aliases, marker words (dit, épouse, née,
veuve), titles and patronym chains (Ag / Walet / Ould / Mint + a father's name).

`matching.names` assembles these tokens into a name's parts.
"""

from __future__ import annotations

import re

from matching.text import fold
from matching.variants import titles_particles

# Marker words, folded. "dit/dite" is a French-style alias notation found on
# forms (§2, prevalence J); épouse/née/veuve are French civil usage (§3, J).
ALIAS_MARKERS = frozenset({"dit", "dite", "dits", "dites", "alias", "surnomme", "surnommee"})
SPOUSE_MARKERS = frozenset({"epouse", "ep", "epse"})
BIRTH_MARKERS = frozenset({"nee"})
WIDOW_WORDS = frozenset({"veuve", "vve"})
CONNECTORS = frozenset({"de", "d", "du"})
MARRIED_TITLES = frozenset({"mme", "veuve"})

Token = tuple[str, bool]  # (folded word, written in capitals)


def kind_of(table: dict, word: str) -> str | None:
    entry = table.get(word)
    return entry.kind if entry else None


# --- tokenising ----------------------------------------------------------------

_QUOTED_RE = re.compile(
    r'"([^"]*)"|“([^”"]*)[”"]|«([^»]*)»|\(([^()]*)\)|\[([^\]]*)\]|(?<!\w)\'([^\']+)\'(?!\w)'
)
_PREFIX_SPACE_RE = re.compile(r"(?<![^\W\d_])([^\W\d_]['’‘`´ʼ])\s+")
_SPLIT_RE = re.compile(r"[\s\-‐‑‒–—,;/.:_+&|!?*]+")
_KEEP_INLINE = ALIAS_MARKERS | SPOUSE_MARKERS | BIRTH_MARKERS | WIDOW_WORDS


def extract_quoted(text: str) -> tuple[list[str], str]:
    """Quoted and bracketed parts become aliases, unless they hold a marker ("(née X)")."""
    aliases: list[str] = []

    def take(match: re.Match[str]) -> str:
        content = next(group for group in match.groups() if group is not None)
        folded = fold(content)
        if folded.split(" ", 1)[0] in _KEEP_INLINE:
            return f" {content} "
        if folded:
            aliases.append(folded)
        return " "

    return aliases, _QUOTED_RE.sub(take, text)


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for piece in _SPLIT_RE.split(_PREFIX_SPACE_RE.sub(r"\1", text)):
        folded = fold(piece)
        if folded:
            caps = piece.isupper() and len(folded) > 1
            out.extend((word, caps) for word in folded.split(" "))
    return out


def segment(tokens: list[Token]) -> tuple[list[Token], list[tuple[str, list[Token]]]]:
    """Split at marker words: (main part, [(alias|spouse|birth, tokens), ...])."""
    table = titles_particles()
    main: list[Token] = []
    segments: list[tuple[str, list[Token]]] = []
    current = main
    for token in tokens:
        word = token[0]
        kind = None
        if word in ALIAS_MARKERS:
            kind = "alias"
        elif word in SPOUSE_MARKERS:
            kind = "spouse"
        elif word in BIRTH_MARKERS:
            kind = "birth"
        elif word in WIDOW_WORDS and any(kind_of(table, w) is None for w, _ in current):
            kind = "spouse"  # "Aminata Traoré veuve Diarra"; a leading Veuve is a title
        if kind is None:
            current.append(token)
        else:
            current = []
            segments.append((kind, current))
    return main, segments


def strip_titles(tokens: list[Token], titles: list[str]) -> tuple[list[Token], bool]:
    """Drop titles (into ``titles``), initials and digits; report a dropped Lalla."""
    table = titles_particles()
    out: list[Token] = []
    lalla = False
    i, n = 0, len(tokens)
    while i < n:
        word = tokens[i][0]
        if i + 1 < n:
            pair = table.get(f"{word} {tokens[i + 1][0]}")
            if pair is not None and pair.kind == "title":
                titles.append(pair.canonical)
                i += 2
                continue
        entry = table.get(word)
        is_title = entry is not None and entry.kind in ("title", "title_or_name")
        if is_title and (word != "m" or (i == 0 and n > 1)):  # "M." only leads a name
            titles.append(entry.canonical)
            lalla = lalla or entry.kind == "title_or_name"
            i += 1
            continue
        if len(word) > 1 and word.isalpha():
            out.append(tokens[i])
        i += 1
    return out, lalla


def take_patronyms(tokens: list[Token]) -> tuple[list[Token], list[tuple[str, str]]]:
    """Remove "particle + father's name" pairs: (other tokens, [(particle, name), ...]).

    The father's name may be compound. Given name first ("Fatma Bint Mohamed Salem",
    "Ahmed Ag Abdoul Aziz"), every word after the particle up to the next particle
    names the father (or his father), never the person. Particle first ("MINT ABDOUL
    KARIM Nana", "Ould Harouna Ibrahim"), the father's name is the next word, and the
    words written in the same capitals as it when the name mixes capitals.
    """
    table = titles_particles()
    rest: list[Token] = []
    chain: list[tuple[str, str]] = []
    mixed_case = len({caps for word, caps in tokens if kind_of(table, word) != "particle"}) == 2
    i, n = 0, len(tokens)
    while i < n:
        entry = table.get(tokens[i][0])
        if entry is not None and entry.kind == "particle" and i + 1 < n:
            following = kind_of(table, tokens[i + 1][0])
            if following not in ("particle", "title"):
                end = i + 2
                leading = not rest and not chain
                while end < n and kind_of(table, tokens[end][0]) not in ("particle", "title"):
                    if leading and (not mixed_case or tokens[end][1] != tokens[i + 1][1]):
                        break
                    end += 1
                chain.append((entry.canonical, " ".join(w for w, _ in tokens[i + 1 : end])))
                i = end
                continue
        rest.append(tokens[i])
        i += 1
    return rest, chain
