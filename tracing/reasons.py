"""A reason, written once in French and once in English (the caseworker reads one of them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reason:
    fr: str
    en: str

    def text(self, lang: str = "fr") -> str:
        return self.en if lang == "en" else self.fr


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
