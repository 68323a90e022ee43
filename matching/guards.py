"""What keeps a pair, or a person, from being formed without a reviewer.

A score says how alike two records are; some pairs must never become one
person automatically however alike they look, because the error would do
harm or because the records contradict each other:

- pair guards (`held`): a bit per reason, worked out from the comparison
  levels and the roles of the two records. A held pair that scores as a match
  goes to review instead, with the reason. Those that say two records are two
  people (different given names, sex, births far apart, places, fathers or
  mothers, roles) also split a person clustering formed (`matching.coherence`);
- person guards (`Traits`): what no two records of one person may disagree
  on (sex, births more than `BIRTH_SPAN_DAYS` apart, a suspect beside a victim,
  a child, a requester or a household member), checked by clustering on the whole person, so a
  chain of links cannot build a person its own records contradict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from matching.columns import Columns, sex_code
from matching.comparisons import COMPARISON, COMPARISON_NAMES
from models.records import Role
from models.review import could_be_minor, possible_minors


@dataclass(frozen=True, slots=True)
class Guard:
    name: str
    fr: str
    en: str


def _level(field: str, level: str) -> tuple[int, int]:
    return COMPARISON_NAMES.index(field), COMPARISON[field].index(level)


LEARNED_SURE = 0.85
"""A pair the Fellegi-Sunter model would not merge is merged on the word of the model
learned from reviewers only from this probability; from the match threshold up to it, it
goes to review. That model's probability is calibrated (a pair at 0.7 is wrong three
times in ten) where the FS model's was under-confident (until 2026-12-07, when its
given names' m was first learned where identity is established, and matches went from
0.7 to 0.8): merging all it lifts past 0.7 took the precision of the persons on the
mixed profile from 0.956 to 0.920 at 23k records (`bench.reviewed`, 2,000 decisions).
From 0.85: 0.960, F1 0.496 instead of 0.602 (the FS model alone: 0.411); default profile
F1 0.881 instead of 0.897, patronymic 0.789 instead of 0.829, and about 0.06 more review
pairs per record (measured with the engine before 2026-12-07)."""

GUARDS: tuple[Guard, ...] = (
    Guard(
        "given_names_missing",
        "prénom absent d'un côté : un nom de famille seul ne prouve pas la même personne",
        "given name missing on one side: a family name alone does not prove the same person",
    ),
    Guard(
        "family_name_missing",
        "nom de famille absent d'un côté : un prénom seul ne prouve pas la même personne",
        "family name missing on one side: a given name alone does not prove the same person",
    ),
    Guard(
        "given_names_differ",
        "prénoms différents : frère, sœur ou homonyme plutôt que la même personne",
        "different given names: a brother, a sister or a namesake rather than the same person",
    ),
    Guard(
        "sex_differs",
        "sexes différents",
        "different sex",
    ),
    Guard(
        "births_far_apart",
        "naissances à plus de 5 ans d'écart : même nom, autre génération ?",
        "births more than 5 years apart: same name, another generation?",
    ),
    Guard(
        "places_differ",
        "lieux d'origine différents",
        "different places of origin",
    ),
    Guard(
        "suspect_and_protected",
        "un suspect et une victime, un enfant, un demandeur ou un membre du foyer : jamais "
        "réunis sans relecteur",
        "a suspect and a victim, a child, a requester or a household member: never joined "
        "without a reviewer",
    ),
    Guard(
        "requester_and_sought",
        "le parent qui demande la recherche et une personne recherchée ou assistée : "
        "d'ordinaire deux personnes",
        "the relative asking for tracing and a sought or assisted person: usually two people",
    ),
    Guard(
        "parents_differ",
        "père ou mère aux prénoms différents : frère, sœur ou homonyme plutôt que la même personne",
        "a father or mother with different given names: a brother, a sister or a namesake "
        "rather than the same person",
    ),
    Guard(
        "persons_contradict",
        "les fiches des deux personnes se contrediraient (sexe, naissances éloignées, "
        "prénoms, parents, lieux ou rôles)",
        "the records of the two persons would contradict each other (sex, births far apart, "
        "given names, parents, places or roles)",
    ),
    Guard(
        "weak_link",
        "lien faible entre deux personnes déjà formées : trop peu de leurs fiches concordent",
        "a weak link between two persons already formed: too few of their records match",
    ),
    Guard(
        "learned_alone",
        "seul le modèle appris des relecteurs en fait la même personne, sans en être sûr "
        f"(moins de {LEARNED_SURE:.2f}) : à confirmer".replace(".", ","),
        "only the model learned from reviewers makes them one person, and not surely "
        f"(below {LEARNED_SURE:.2f}): to confirm",
    ),
)
"""The pair guards, then those clustering adds to the pairs it held back between two
persons (`PERSON_GUARDS`): a pair no guard holds may still join two persons whose
records, together, a guard forbids; last, the one a learned model's score adds
(`learned_alone`)."""
GUARD_NAMES = tuple(g.name for g in GUARDS)
BIT = {g.name: np.uint16(1 << i) for i, g in enumerate(GUARDS)}

_LEVEL_GUARDS: tuple[tuple[str, tuple[int, int]], ...] = (
    ("given_names_missing", _level("given_names", "missing")),
    ("family_name_missing", _level("family_name", "missing")),
    ("given_names_differ", _level("given_names", "different")),
    ("sex_differs", _level("sex", "different")),
    ("births_far_apart", _level("birth", "further")),
    ("places_differ", _level("origin_place", "different")),
    ("parents_differ", _level("father", "different")),
    ("parents_differ", _level("mother", "different")),
)

ASSISTED_ROLES = frozenset({Role.VICTIM, Role.RETURNEE, Role.BENEFICIARY, Role.SOUGHT})
ROLE_CLASSES = {
    Role.SUSPECT.value: 1,
    Role.REQUESTER.value: 2,
    **{r.value: 3 for r in ASSISTED_ROLES},
    Role.HOUSEHOLD_MEMBER.value: 4,
}
"""0: no role; 1: suspect; 2: requester (with 3 and 4, the roles a suspect's record never
joins without a reviewer, as with a possible minor's); 3: a victim, returnee, beneficiary
or sought person; 4: a household member (the family a victim may return to: joined with
a suspect's record, it would either hide the suspect or brand a relative one)."""

BIRTH_SPAN_DAYS = 5 * 366


def role_class(role: Any) -> int:
    """A role as written (or None) as its class in `ROLE_CLASSES`."""
    return ROLE_CLASSES.get(str(role or "").strip().lower(), 0)


def role_classes(columns: Columns) -> np.ndarray:
    """Each record's role class (see `ROLE_CLASSES`), computed once per population."""

    def build() -> np.ndarray:
        return np.fromiter(
            (role_class(r) for r in columns.roles),
            dtype=np.int8,
            count=len(columns),
        )

    return columns.derive("role_classes", build)


def _possible_minor(columns: Columns, today: date | None = None) -> np.ndarray:
    """Under 18 at registration (today when the registration date is unknown) by the
    latest birth date the record allows: `models.review.could_be_minor`, per record."""
    return possible_minors(columns.birth_latest, columns.registered, today)


def held_pairs(columns: Columns, a: np.ndarray, b: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """For each pair, the bits of the guards that keep it from an automatic merge."""
    held = np.zeros(len(a), dtype=np.uint16)
    if not len(a):
        return held
    for name, (k, level) in _LEVEL_GUARDS:
        np.bitwise_or(held, BIT[name], out=held, where=levels[:, k] == level)
    traits = Traits.of(columns)
    if traits.suspect.any():
        suspect, protected = traits.suspect, traits.protected
        crossing = (suspect[a] & protected[b]) | (suspect[b] & protected[a])
        np.bitwise_or(held, BIT["suspect_and_protected"], out=held, where=crossing)
    roles = role_classes(columns)
    requester, assisted = roles == 2, roles == 3
    if requester.any():
        crossing = (requester[a] & assisted[b]) | (requester[b] & assisted[a])
        np.bitwise_or(held, BIT["requester_and_sought"], out=held, where=crossing)
    return held


PERSON_GUARDS = {
    "suspect_and_protected": "suspect_and_protected",
    "sex_differs": "persons_contradict",
    "births_far_apart": "persons_contradict",
    "incoherent_person": "persons_contradict",
    "weak_link_between_clusters": "weak_link",
}
"""The guard each reason clustering holds a pair back for (`cluster.ClusterResult.
to_review`) is worded with: the pair's own records may agree on what their persons do
not (a suspect's record beside an adult record of a child victim's person)."""


def guard_words(bits: int) -> list[Guard]:
    return [g for i, g in enumerate(GUARDS) if bits & (1 << i)]


def guard_names(bits: int) -> list[str]:
    return [g.name for g in guard_words(bits)]


@dataclass(frozen=True, slots=True)
class Traits:
    """What no two records of one person may disagree on, one array per trait."""

    sex: np.ndarray
    """0 F, 1 M, -1 unknown."""
    birth_earliest: np.ndarray
    birth_latest: np.ndarray
    """Ordinals, -1 unknown."""
    suspect: np.ndarray
    protected: np.ndarray
    """A victim, sought, assisted person, requester or household member, or a possible
    minor; never a
    suspect (two records of a juvenile suspect may be one person)."""

    def widened(self, person_of_row: Sequence[Any], records: Iterable[Mapping[str, Any]]) -> Traits:
        """These traits, each row's widened to its whole stored person: `records` are
        every record (`entity_id`, `role`, `sex`, `birth_earliest`, `birth_latest`,
        `registered_on`) of the persons `person_of_row` names (None: no person yet)."""
        persons: dict[Any, list[Mapping[str, Any]]] = {}
        for record in records:
            persons.setdefault(record["entity_id"], []).append(record)
        sex, earliest, latest = (
            self.sex.copy(),
            self.birth_earliest.copy(),
            self.birth_latest.copy(),
        )
        suspect, protected = self.suspect.copy(), self.protected.copy()
        for row, person in enumerate(person_of_row):
            for record in persons.get(person, ()):
                known = sex_code(record.get("sex"))
                if sex[row] < 0:
                    sex[row] = known
                elif known >= 0 and known != sex[row]:
                    sex[row] = -1  # a person already incoherent: its rows say both
                if record.get("birth_earliest") is not None:
                    first = record["birth_earliest"].toordinal()
                    last = (record.get("birth_latest") or record["birth_earliest"]).toordinal()
                    earliest[row] = max(int(earliest[row]), first)
                    latest[row] = last if latest[row] < 0 else min(int(latest[row]), last)
                role = role_class(record.get("role"))
                suspect[row] |= role == 1
                protected[row] |= role >= 2 or (role != 1 and could_be_minor(dict(record)))
        return Traits(sex, earliest, latest, suspect, protected & ~suspect)

    @classmethod
    def of(cls, columns: Columns) -> Traits:
        """The traits of a population, worked out once (per-record arrays)."""

        def build() -> Traits:
            roles = role_classes(columns)
            return cls(
                sex=columns.sex,
                birth_earliest=columns.birth_earliest,
                birth_latest=columns.birth_latest,
                suspect=roles == 1,
                protected=((roles >= 2) | _possible_minor(columns)) & (roles != 1),
            )

        return columns.derive("traits", build)
