"""Safe-return assessment: each factor of shared/reference/protection-and-exchange.md §3
that the data can inform, as ``risk``, ``no_known_risk`` or ``unknown``, with its evidence
(record ids) and reasons in French and English.

Advisory only. Nothing is ever "safe": a factor the data cannot inform is ``unknown``,
and an unknown factor is not a pass. The overall status is ``risk`` if any factor is,
else ``unknown`` if any factor is, else ``no_known_risk``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from matching.text import fold, name_key
from tracing.flags import episodes_reason, repeated_episodes
from tracing.graph import FamilyGraph
from tracing.persons import Profile
from tracing.reasons import Reason, relation_word
from tracing.relatives import Relative

__all__ = ["Factor", "InsecureArea", "assess", "insecure_areas"]

RISK, NO_KNOWN_RISK, UNKNOWN = "risk", "no_known_risk", "unknown"
CAREGIVERS = frozenset({"mother", "father", "parent", "guardian"})
SIBLINGS = frozenset({"sibling", "half_sibling"})
ADULT = 18
LIKELY = 0.7  # an inferred sibling counts as evidence of a family episode from this score
AREAS_ENV = "NRM_INSECURE_AREAS"
DEFAULT_AREAS = Path(__file__).parent / "data" / "insecure_areas.csv"


@dataclass(frozen=True, slots=True)
class Factor:
    factor: str
    status: str
    evidence: tuple[str, ...]
    reasons: tuple[Reason, ...]

    def as_dict(self, lang: str = "fr") -> dict:
        return {
            "factor": self.factor,
            "status": self.status,
            "evidence": list(self.evidence),
            "reasons": [r.text(lang) for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class InsecureArea:
    """One commune or cercle on the dated list of areas where return is not safe."""

    area: str
    level: str  # commune | cercle
    security: str
    source: str
    as_of: str


@cache
def _read_areas(path: str) -> tuple[InsecureArea, ...]:
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(line for line in handle if not line.startswith("#"))]
    return tuple(
        InsecureArea(r["area"], r["level"], r["security"], r["source"], r["as_of"]) for r in rows
    )


def insecure_areas() -> tuple[InsecureArea, ...]:
    """The configured list (`NRM_INSECURE_AREAS`, else `tracing/data/insecure_areas.csv`)."""
    return _read_areas(os.environ.get(AREAS_ENV) or str(DEFAULT_AREAS))


def _ids(records) -> tuple[str, ...]:
    return tuple(sorted({r.record_id for r in records}))


def _how_related(relatives: list[Relative], lang: str) -> str:
    """Each relative's name, relation and whether the files declare it or the engine
    infers it, and how surely ("TRAORE Oumou (mère, déduite à 33 %)"): a caseworker must
    not read an inferred mother as the child's own."""
    said = []
    for r in sorted(relatives, key=lambda r: (not r.declared, -r.score, r.name)):
        relation = relation_word(r.relation, lang)
        if r.declared:
            how = "déclaré(e)" if lang == "fr" else "declared"
        else:
            how = f"{'déduit(e) à' if lang == 'fr' else 'inferred at'} {round(100 * r.score)} %"
        said.append(f"{r.name} ({relation}, {how})")
    return ", ".join(dict.fromkeys(said))


def _suspects(
    relatives: list[Relative], graph: FamilyGraph, awaiting: Sequence[tuple[str, str]]
) -> Factor:
    suspects = [r for r in relatives if r.suspect]
    if suspects:
        records = [rec for r in suspects for rec in graph.profiles[r.person].suspect_records()]
        return Factor(
            "family_involvement",
            RISK,
            _ids(records),
            (
                Reason(
                    "un proche ou membre du foyer est cité comme suspect : "
                    + _how_related(suspects, "fr"),
                    "a relative or household member is named as a suspect: "
                    + _how_related(suspects, "en"),
                ),
            ),
        )
    named = {r.person: r for r in relatives}
    doubtful = [(named[person], suspect) for person, suspect in awaiting if person in named]
    if doubtful:
        names = ", ".join(sorted({r.name for r, _ in doubtful}))
        theirs = ", ".join(sorted({suspect for _, suspect in doubtful}))
        return Factor(
            "family_involvement",
            UNKNOWN,
            tuple(sorted({r.record.record_id for r, _ in doubtful} | {s for _, s in doubtful})),
            (
                Reason(
                    f"un proche ({names}) est peut-être la personne citée comme suspecte "
                    f"({theirs}) : la paire attend un relecteur",
                    f"a relative ({names}) may be the person named as a suspect ({theirs}): "
                    "the pair awaits a reviewer",
                ),
            ),
        )
    if not relatives:
        return Factor(
            "family_involvement",
            UNKNOWN,
            (),
            (Reason("aucun proche connu", "no relative known"),),
        )
    return Factor(
        "family_involvement",
        NO_KNOWN_RISK,
        (),
        (
            Reason(
                "aucun proche connu n'est cité comme suspect",
                "no known relative is named as a suspect",
            ),
        ),
    )


def _recorded_as_suspect(person: Profile) -> Factor | None:
    """The person is named as a suspect in a case file of their own: a victim who went on
    to recruit, or records wrongly joined into one person. Listed only when it applies,
    so that decisions recorded before this factor existed keep the basis they were made
    on (`tracing.decisions.fingerprint`)."""
    records = person.suspect_records()
    if not records:
        return None
    cases = ", ".join(sorted({r.case_id or r.record_id for r in records}))
    return Factor(
        "person_recorded_as_suspect",
        RISK,
        _ids(records),
        (
            Reason(
                f"la personne est elle-même citée comme suspecte ({cases}) : vérifiez "
                "qu'il s'agit bien de la même personne avant toute décision",
                f"the person is named as a suspect themselves ({cases}): check that these "
                "records are one person before any decision",
            ),
        ),
    )


def _prior_episodes(person: Profile, relatives: list[Relative], graph: FamilyGraph) -> Factor:
    episodes = repeated_episodes(person)
    reasons, evidence = [], []
    if episodes:
        said = episodes_reason(episodes)
        reasons.append(
            Reason(f"{said.fr} (re-traite possible)", f"{said.en} (possible re-trafficking)")
        )
        evidence.extend(r for rs in episodes.values() for r in rs)
    for r in relatives:
        if r.relation not in SIBLINGS or not (r.declared or r.score >= LIKELY):
            continue
        victims = [
            rec
            for rec in graph.profiles[r.person].records
            if rec.role in ("victim", "returnee", "beneficiary")
        ]
        if victims:
            reasons.append(
                Reason(
                    f"un frère ou une sœur ({r.name}) a aussi été victime",
                    f"a brother or sister ({r.name}) was also a victim",
                )
            )
            evidence.extend(victims)
    if reasons:
        return Factor("prior_trafficking", RISK, _ids(evidence), tuple(reasons))
    return Factor(
        "prior_trafficking",
        NO_KNOWN_RISK,
        (),
        (
            Reason(
                "aucun autre épisode connu pour la personne ou sa fratrie",
                "no other episode known for the person or their siblings",
            ),
        ),
    )


def _age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _an(years: int) -> str:
    """French counts 0 and 1 in the singular: `0 an`, `1 an`, `2 ans`."""
    return "an" if years < 2 else "ans"


def _minor(person: Profile, today: date) -> Factor:
    """A person who may be under 18 is presumed a child until an age is established: the
    youngest age its records allow decides, and the reason gives the range they allow."""
    dated = [r for r in person.records if r.birth_latest is not None]
    if not dated:
        return Factor(
            "child_best_interests",
            UNKNOWN,
            (),
            (Reason("âge inconnu", "age unknown"),),
        )
    age = _age_on(max(r.birth_latest for r in dated), today)
    earliest = [r.birth_earliest for r in dated if r.birth_earliest is not None]
    oldest = _age_on(min(earliest), today) if earliest else None
    if age < ADULT:
        required = (
            "une détermination de l'intérêt supérieur de l'enfant est requise",
            "a Best Interests Determination is required",
        )
        if oldest is not None and oldest >= ADULT:
            said = (
                f"peut-être mineur(e) (entre {age} et {oldest} ans) : présumé(e) mineur(e) "
                f"tant que l'âge n'est pas établi ; {required[0]}",
                f"possibly a minor (between {age} and {oldest}): presumed a minor until the "
                f"age is established; {required[1]}",
            )
        else:
            years = (
                (f"{age} {_an(age)}", f"{age}")
                if oldest in (None, age)
                else (f"entre {age} et {oldest} {_an(oldest)}", f"between {age} and {oldest}")
            )
            said = (
                f"mineur(e) ({years[0]}) : {required[0]}",
                f"a minor ({years[1]}): {required[1]}",
            )
        return Factor("child_best_interests", RISK, _ids(dated), (Reason(*said),))
    return Factor(
        "child_best_interests",
        NO_KNOWN_RISK,
        (),
        (Reason(f"adulte (au moins {age} ans)", f"an adult (at least {age})"),),
    )


def _caregiver(relatives: list[Relative]) -> Factor:
    carers = [r for r in relatives if r.relation in CAREGIVERS and not r.suspect]
    confirmed = [r for r in carers if r.declared and "contradicted" not in r.flags]
    if confirmed:
        names = ", ".join(sorted({r.name for r in confirmed}))
        return Factor(
            "caregiver_identified",
            NO_KNOWN_RISK,
            tuple(sorted(r.record.record_id for r in confirmed)),
            (
                Reason(
                    f"parent ou tuteur déclaré : {names}", f"declared parent or guardian: {names}"
                ),
            ),
        )
    if carers:
        doubted = [r for r in carers if r.declared]
        return Factor(
            "caregiver_identified",
            UNKNOWN,
            tuple(sorted(r.record.record_id for r in carers)),
            (
                Reason(
                    "parent déclaré que les fiches contredisent (sexe ou âge) : lien à vérifier",
                    "a declared parent the records contradict (sex or age): the link is to be "
                    "checked",
                )
                if doubted
                else Reason(
                    "parent proposé par les noms seulement : lien à confirmer",
                    "a parent inferred from names only: the link is to be confirmed",
                ),
            ),
        )
    return Factor(
        "caregiver_identified",
        RISK,
        (),
        (Reason("aucun parent ni tuteur identifié", "no parent or guardian identified"),),
    )


def _consent(person: Profile) -> Factor:
    given = [r for r in person.records if r.return_consent in ("yes", "no")]
    if not given:
        return Factor(
            "informed_consent",
            UNKNOWN,
            (),
            (Reason("consentement au retour non recueilli", "consent to return not recorded"),),
        )
    latest = max(given, key=lambda r: (r.registered_on or date.min, r.record_id))
    if latest.return_consent == "no":
        return Factor(
            "informed_consent",
            RISK,
            (latest.record_id,),
            (Reason("refus du retour", "return refused"),),
        )
    return Factor(
        "informed_consent",
        NO_KNOWN_RISK,
        (latest.record_id,),
        (Reason("consentement au retour recueilli", "consent to return recorded"),),
    )


def _area(person: Profile, areas: tuple[InsecureArea, ...]) -> Factor:
    if not areas:
        return Factor(
            "return_area_security",
            UNKNOWN,
            (),
            (
                Reason(
                    "aucune liste datée des zones d'insécurité n'est configurée",
                    "no dated list of insecure areas is configured",
                ),
            ),
        )
    places = {"commune": set(), "cercle": set()}
    for r in person.records:
        for level, value in (("commune", r.origin_commune), ("cercle", r.origin_cercle)):
            if value:
                places[level].add(name_key(fold(value)))
    if not places["commune"] and not places["cercle"]:
        return Factor(
            "return_area_security",
            UNKNOWN,
            (),
            (Reason("commune et cercle d'origine inconnus", "commune and cercle unknown"),),
        )
    hits = [a for a in areas if name_key(fold(a.area)) in places.get(a.level, set())]
    if hits:
        return Factor(
            "return_area_security",
            RISK,
            _ids(person.records),
            tuple(
                Reason(
                    f"{a.area} ({a.level}) : {a.security}, selon {a.source} au {a.as_of}",
                    f"{a.area} ({a.level}): {a.security}, per {a.source} as of {a.as_of}",
                )
                for a in hits
            ),
        )
    as_of = max(a.as_of for a in areas)
    return Factor(
        "return_area_security",
        NO_KNOWN_RISK,
        (),
        (
            Reason(
                f"zone d'origine absente de la liste d'insécurité du {as_of}",
                f"area of origin not on the insecurity list of {as_of}",
            ),
        ),
    )


def assess(
    graph: FamilyGraph,
    person: str,
    relatives: list[Relative],
    today: date,
    areas: tuple[InsecureArea, ...] = (),
    awaiting: Sequence[tuple[str, str]] = (),
) -> tuple[str, list[Factor]]:
    """The overall status and every factor, for the person and their relatives;
    `awaiting`: `(relative's person, suspect record id)` for each pair a reviewer has yet
    to decide between a relative's record and a suspect's (a guard held it back, so the
    relative is not yet known to be the suspect, nor known not to be)."""
    profile = graph.profiles[person]
    own = _recorded_as_suspect(profile)
    factors = [
        *([own] if own else []),
        _suspects(relatives, graph, awaiting),
        _prior_episodes(profile, relatives, graph),
        _minor(profile, today),
        _caregiver(relatives),
        _consent(profile),
        _area(profile, areas),
    ]
    statuses = {f.status for f in factors}
    overall = RISK if RISK in statuses else UNKNOWN if UNKNOWN in statuses else NO_KNOWN_RISK
    return overall, factors
