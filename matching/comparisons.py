"""The declared comparisons of the match model: fields, their ordered levels and words.

Each :class:`Comparison` names a field, its levels from ``missing`` (no evidence) to
``different``, each level's words in French and English for caseworkers, and the m and u
the model starts from before it has seen data. They are declared apart from the
arithmetic of :mod:`matching.model` (fitted m and u, weights, EM): the field comparisons
(``matching/compare``) and the guards read the levels alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a comparison: its name, its words, and the declared m and u the
    model starts from before it has seen any data."""

    name: str
    fr: str
    en: str
    m: float = 0.0
    u: float = 0.0
    tf: bool = False
    """The level's weight is adjusted by how common the agreeing value is."""


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    levels: tuple[str, ...]
    tf_levels: tuple[str, ...] = ()
    """Levels whose weight is adjusted by how common the agreeing value is."""
    label: tuple[str, str] = ("", "")
    """The field in French and English."""
    words: tuple[tuple[str, str], ...] = ()
    """Each level in French and English, in the order of `levels`."""
    prior_m: tuple[float, ...] = ()
    prior_u: tuple[float, ...] = ()

    @property
    def missing(self) -> int:
        return 0

    def index(self, level: str) -> int:
        return self.levels.index(level)

    def codes(self, *levels: str) -> list[int]:
        return [self.levels.index(level) for level in levels]

    def among(self, column: np.ndarray, *levels: str) -> np.ndarray:
        """Which entries of a column of this comparison's codes are one of `levels` (a
        lookup in a table of the levels: five times `np.isin` on tens of millions of
        pairs)."""
        table = np.zeros(len(self.levels), dtype=bool)
        table[self.codes(*levels)] = True
        return table[column]

    @classmethod
    def declare(cls, name: str, label: tuple[str, str], levels: Sequence[Level]) -> Comparison:
        return cls(
            name,
            tuple(level.name for level in levels),
            tuple(level.name for level in levels if level.tf),
            label,
            tuple((level.fr, level.en) for level in levels),
            tuple(level.m for level in levels),
            tuple(level.u for level in levels),
        )


def _missing(fr: str = "absent d'un côté", en: str = "missing on one side") -> Level:
    return Level("missing", fr, en)


def _within(area: str, fr: str, en: str, *, m: float, u: float) -> Level:
    """Both places lie in one commune, cercle or region and one names nothing finer."""
    return Level(
        f"within_{area}",
        f"{fr}, un côté ne précise rien de plus",
        f"{en}, one side gives nothing finer",
        m=m,
        u=u,
    )


def _parent(
    name: str, fr: str, en: str, same: tuple[str, str], group: tuple[str, str]
) -> Comparison:
    return Comparison.declare(
        name,
        (fr, en),
        (
            _missing(),
            Level("exact", *same, m=0.60, u=0.005),
            Level("same_group", *group, m=0.20, u=0.01),
            Level("fuzzy", f"noms de {fr} proches", f"similar {en}'s names", m=0.10, u=0.01),
            Level("different", *_DIFFERENT_PARENT[fr], m=0.10, u=0.975),
        ),
    )


_DIFFERENT_PARENT = {
    "père": ("pères différents", "different fathers"),
    "mère": ("mères différentes", "different mothers"),
}

COMPARISONS: tuple[Comparison, ...] = (
    Comparison.declare(
        "family_name",
        ("nom", "family name"),
        (
            _missing(),
            Level("exact", "même nom", "same name", m=0.70, u=0.05, tf=True),
            Level(
                "same_key",
                "même nom, autre graphie",
                "same name, other spelling",
                m=0.10,
                u=0.01,
                tf=True,
            ),
            Level(
                "same_clan_group",
                "même nom de clan, autre graphie",
                "same clan name, other spelling",
                m=0.06,
                u=0.01,
                tf=True,
            ),
            Level(
                "married_name",
                "nom d'épouse de l'un = nom de l'autre",
                "one side's married name",
                m=0.04,
                u=0.001,
            ),
            Level(
                "fuzzy",
                "noms proches (faute de frappe ?)",
                "similar names (typing error?)",
                m=0.05,
                u=0.005,
            ),
            Level(
                "weak_equivalent",
                "noms réputés équivalents, indice faible",
                "names held equivalent, weak evidence",
                m=0.01,
                u=0.01,
            ),
            Level("different", "noms différents", "different names", m=0.04, u=0.914),
        ),
    ),
    Comparison.declare(
        "given_names",
        ("prénom", "given names"),
        (
            _missing(),
            Level("exact", "même prénom", "same given name", m=0.55, u=0.02, tf=True),
            Level(
                "same_group",
                "même prénom, autre forme",
                "same given name, other form",
                m=0.20,
                u=0.02,
                tf=True,
            ),
            Level(
                "alias_or_short",
                "surnom ou forme courte",
                "nickname or short form",
                m=0.08,
                u=0.005,
            ),
            Level(
                "fuzzy",
                "prénoms proches (faute de frappe ?)",
                "similar given names (typing error?)",
                m=0.08,
                u=0.01,
            ),
            Level(
                "partial",
                "un des prénoms en commun",
                "one given name in common",
                m=0.04,
                u=0.02,
            ),
            Level("different", "prénoms différents", "different given names", m=0.05, u=0.925),
        ),
    ),
    Comparison.declare(
        "sex",
        ("sexe", "sex"),
        (
            _missing("non renseigné d'un côté"),
            Level("same", "même sexe", "same sex", m=0.98, u=0.5),
            Level("different", "sexes différents", "different sex", m=0.02, u=0.5),
        ),
    ),
    Comparison.declare(
        "birth",
        ("naissance", "birth"),
        (
            _missing("inconnue d'un côté", "unknown on one side"),
            Level("same_day", "même date", "same date", m=0.10, u=0.0005),
            Level("overlap_narrow", "dates compatibles", "consistent dates", m=0.40, u=0.03),
            Level(
                "overlap_wide",
                "compatibles, mais date approximative ou âge estimé",
                "consistent, but an approximate date or estimated age",
                m=0.30,
                u=0.08,
            ),
            Level(
                "within_2_years",
                "écart de moins de 2 ans",
                "less than 2 years apart",
                m=0.12,
                u=0.12,
            ),
            Level("within_5_years", "écart de 2 à 5 ans", "2 to 5 years apart", m=0.05, u=0.2),
            Level(
                "further",
                "écart de plus de 5 ans",
                "more than 5 years apart",
                m=0.03,
                u=0.5695,
            ),
        ),
    ),
    Comparison.declare(
        "origin_place",
        ("origine", "origin"),
        (
            _missing("lieu absent d'un côté", "no place on one side"),
            Level("same_village", "même village", "same village", m=0.65, u=0.002),
            _within("commune", "même commune", "same commune", m=0.03, u=0.002),
            Level(
                "same_commune",
                "même commune, villages différents",
                "same commune, different villages",
                m=0.01,
                u=0.003,
            ),
            _within("cercle", "même cercle", "same cercle", m=0.08, u=0.01),
            Level(
                "same_cercle",
                "même cercle, communes ou villages différents",
                "same cercle, different communes or villages",
                m=0.01,
                u=0.02,
            ),
            _within("region", "même région", "same region", m=0.08, u=0.03),
            Level(
                "same_region",
                "même région, cercles différents",
                "same region, different cercles",
                m=0.02,
                u=0.07,
            ),
            Level(
                "homonym_different_cercle",
                "villages homonymes de cercles différents",
                "namesake villages in different cercles",
                m=0.02,
                u=0.01,
            ),
            Level("different", "lieux différents", "different places", m=0.10, u=0.853),
        ),
    ),
    _parent(
        "father",
        "père",
        "father",
        ("même nom de père", "same father's name"),
        ("même père, autre graphie", "same father, other spelling"),
    ),
    _parent(
        "mother",
        "mère",
        "mother",
        ("même nom de mère", "same mother's name"),
        ("même mère, autre graphie", "same mother, other spelling"),
    ),
    Comparison.declare(
        "phone",
        ("téléphone", "phone"),
        (
            _missing("numéro absent d'un côté", "no number on one side"),
            # m is declared, never fitted: numbers change and a tracing request gives the
            # requester's, which a generated set does not show (J). u comes from the
            # population's own numbers (`matching.phones.same_number_u`).
            Level("same", "même numéro", "same number", m=0.6, u=0.0005, tf=True),
            Level("different", "numéros différents", "different numbers", m=0.4, u=0.9995),
        ),
    ),
)
COMPARISON_NAMES = tuple(c.name for c in COMPARISONS)
LEVELS_MEANING = "names-known-apart-2026-12-05"
"""When what some comparison's levels take in last changed (on 2026-12-05 two names the
tables know apart stopped being near spellings of each other): a model learned from
reviewers' decisions on levels of another meaning is stale (`learned.LearnedModel`)."""
COMPARISON: dict[str, Comparison] = {c.name: c for c in COMPARISONS}
FAMILY_AGREES = ("exact", "same_key", "same_clan_group")
"""Family names that are one name, however written (what siblings and patronyms share)."""
FAMILY_NEAR = ("fuzzy",)
"""Family names spelt alike that the tables do not hold for one name: most often one name
mistyped, so what a lineage shares (its village) proves less there too."""
GIVEN_AGREES = ("exact", "same_group")
PARENT_AGREES = ("exact", "same_group")
BIRTHS_OVERLAP = ("same_day", "overlap_narrow")
BIRTHS_CONSISTENT = ("missing", "same_day", "overlap_narrow", "overlap_wide", "within_2_years")
"""Births that do not tell two people apart (household support never rescues a wider gap)."""
