"""A reason, written once in French and once in English (the caseworker reads one of them)."""

from __future__ import annotations

from typing import NamedTuple


class Reason(NamedTuple):
    """A named tuple, not a dataclass: a relatives query reads thousands from the store."""

    fr: str
    en: str

    def text(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


class Doubt(Reason):
    """A warning that the records contradict a declared relation (`tracing.graph`): the
    relation stays declared, and whoever relies on it is told to check it."""


RELATION_WORDS: dict[str, tuple[str, str]] = {
    "mother": ("mère", "mother"),
    "father": ("père", "father"),
    "parent": ("parent", "parent"),
    "child": ("enfant", "child"),
    "sibling": ("frère ou sœur", "brother or sister"),
    "half_sibling": ("demi-frère ou demi-sœur", "half-brother or half-sister"),
    "spouse": ("conjoint(e)", "spouse"),
    "guardian": ("tuteur ou tutrice", "guardian"),
    "other": ("autre lien", "other link"),
}


def relation_word(kind: str, lang: str = "fr") -> str:
    fr, en = RELATION_WORDS[kind]
    return en if lang == "en" else fr
