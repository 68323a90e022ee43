"""Safe-return assessment: each factor of shared/reference/protection-and-exchange.md §3
that the data can inform, as ``risk``, ``no_known_risk`` or ``unknown``, with the records
it rests on (source and record id) and reasons in French and English.

Advisory only. Nothing is ever "safe": a factor the data cannot inform is ``unknown``,
and an unknown factor is not a pass. The overall status is ``risk`` if any factor is,
else ``unknown`` if any factor is, else ``no_known_risk``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matching.text import fold, name_key
from tracing.areas import InsecureArea
from tracing.counted import EVIDENCE_FLOOR, Counted, counted, how_related, set_aside_suspects
from tracing.factors import NO_KNOWN_RISK, RISK, UNKNOWN, Factor, Ref, refs
from tracing.flags import episodes_reason, repeated_episodes
from tracing.graph import FamilyGraph
from tracing.persons import Profile, TracingRecord
from tracing.reasons import Reason
from tracing.relatives import Relative

__all__ = ["assess"]

CAREGIVERS = frozenset({"mother", "father", "parent", "guardian"})
SIBLINGS = frozenset({"sibling", "half_sibling"})
ADULT = 18


def _suspects(kin: Counted, graph: FamilyGraph, awaiting: Sequence[tuple[str, Ref]]) -> Factor:
    """A relative the assessment counts (`tracing.counted`) named as a suspect is a risk;
    one a reviewer has yet to tell from a suspect leaves it unknown, as does a family of
    which no relative counts, and a suspect set aside (a namesake below the floor, a
    parent the files declare otherwise): said, never hidden, and never "no known risk"
    while it stands."""
    aside = set_aside_suspects(kin)
    tail = (aside,) if aside else ()
    suspects = [r for r in kin.counted if r.suspect]
    if suspects:
        said = Reason(
            "un proche ou membre du foyer est cité comme suspect : " + how_related(suspects, "fr"),
            "a relative or household member is named as a suspect: " + how_related(suspects, "en"),
        )
        return Factor("family_involvement", RISK, _suspect_refs(graph, suspects), (said, *tail))
    named = {r.person: r for r in kin.counted} | {r.person: r for r, _ in kin.set_aside}
    doubtful = [(named[person], suspect) for person, suspect in awaiting if person in named]
    if doubtful:
        relatives = [r for r, _ in doubtful]
        theirs = ", ".join(sorted({suspect.record_id for _, suspect in doubtful}))
        return Factor(
            "family_involvement",
            UNKNOWN,
            tuple(
                sorted(
                    {Ref(r.record.source, r.record.record_id) for r, _ in doubtful}
                    | {s for _, s in doubtful}
                )
            ),
            (
                Reason(
                    f"un proche ({how_related(relatives, 'fr')}) est peut-être la personne "
                    f"citée comme suspecte ({theirs}) : la paire attend un relecteur",
                    f"a relative ({how_related(relatives, 'en')}) may be the person named as "
                    f"a suspect ({theirs}): the pair awaits a reviewer",
                ),
                *tail,
            ),
        )
    if not kin.counted:
        floor = round(100 * EVIDENCE_FLOOR)
        unknown = (
            Reason(
                f"aucun proche connu : ceux que les noms proposent le sont à moins de {floor} %",
                f"no relative known: those the names propose are under {floor} % likely",
            )
            if kin.set_aside
            else Reason("aucun proche connu", "no relative known")
        )
        return Factor("family_involvement", UNKNOWN, (), (unknown, *tail))
    if aside:  # a suspect the names propose as a relative is checked, never assumed away
        doubt = Reason(
            "aucun des proches retenus n'est cité comme suspect, mais un suspect est peut-être "
            "un proche : à écarter avant tout retour",
            "none of the relatives counted is named as a suspect, but a suspect may be a "
            "relative: to rule out before any return",
        )
        records = _suspect_refs(graph, [r for r, _ in kin.set_aside if r.suspect])
        return Factor("family_involvement", UNKNOWN, records, (doubt, *tail))
    none = Reason(
        "aucun proche connu n'est cité comme suspect", "no known relative is named as a suspect"
    )
    return Factor("family_involvement", NO_KNOWN_RISK, (), (none,))


def _suspect_refs(graph: FamilyGraph, relatives: Sequence[Relative]) -> tuple[Ref, ...]:
    """The records in which these relatives are named as suspects."""
    return refs(rec for r in relatives for rec in graph.profiles[r.person].suspect_records())


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
        refs(records),
        (
            Reason(
                f"la personne est elle-même citée comme suspecte ({cases}) : vérifiez "
                "qu'il s'agit bien de la même personne avant toute décision",
                f"the person is named as a suspect themselves ({cases}): check that these "
                "records are one person before any decision",
            ),
        ),
    )


def _prior_episodes(person: Profile, kin: Counted, graph: FamilyGraph) -> Factor:
    episodes = repeated_episodes(person)
    reasons, evidence = [], []
    if episodes:
        said = episodes_reason(episodes)
        reasons.append(
            Reason(f"{said.fr} (re-traite possible)", f"{said.en} (possible re-trafficking)")
        )
        evidence.extend(r for rs in episodes.values() for r in rs)
    for r in kin.counted:
        if r.relation not in SIBLINGS:
            continue
        victims = [
            rec
            for rec in graph.profiles[r.person].records
            if rec.role in ("victim", "returnee", "beneficiary")
        ]
        if victims:
            reasons.append(
                Reason(
                    f"un frère ou une sœur a aussi été victime : {how_related([r], 'fr')}",
                    f"a brother or sister was also a victim: {how_related([r], 'en')}",
                )
            )
            evidence.extend(victims)
    if reasons:
        return Factor("prior_trafficking", RISK, refs(evidence), tuple(reasons))
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
        return Factor("child_best_interests", RISK, refs(dated), (Reason(*said),))
    return Factor(
        "child_best_interests",
        NO_KNOWN_RISK,
        (),
        (Reason(f"adulte (au moins {age} ans)", f"an adult (at least {age})"),),
    )


def _caregiver(kin: Counted) -> Factor:
    carers = [r for r in kin.counted if r.relation in CAREGIVERS and not r.suspect]
    confirmed = [r for r in carers if r.declared and "contradicted" not in r.flags]
    if confirmed:
        names = ", ".join(sorted({r.name for r in confirmed}))
        return Factor(
            "caregiver_identified",
            NO_KNOWN_RISK,
            refs(r.record for r in confirmed),
            (
                Reason(
                    f"parent ou tuteur déclaré : {names}", f"declared parent or guardian: {names}"
                ),
            ),
        )
    if carers:
        doubted = [r for r in carers if r.declared]
        fr, en = how_related(carers, "fr"), how_related(carers, "en")
        return Factor(
            "caregiver_identified",
            UNKNOWN,
            refs(r.record for r in carers),
            (
                Reason(
                    "parent déclaré que les fiches contredisent (sexe ou âge) : lien à "
                    f"vérifier : {fr}",
                    "a declared parent the records contradict (sex or age): the link is to "
                    f"be checked: {en}",
                )
                if doubted
                else Reason(
                    f"parent déduit, aucun déclaré : lien à confirmer : {fr}",
                    f"a parent inferred, none declared: the link is to be confirmed: {en}",
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
    """The latest record to say whether the person consents to return decides; records
    that said otherwise before are named, so that a caseworker reading one of them knows
    why the factor says the contrary."""
    given = [r for r in person.records if r.return_consent in ("yes", "no")]
    if not given:
        return Factor(
            "informed_consent",
            UNKNOWN,
            (),
            (Reason("consentement au retour non recueilli", "consent to return not recorded"),),
        )
    latest = max(given, key=lambda r: (r.registered_on or date.min, r.record_id))
    said = (
        Reason("refus du retour", "return refused")
        if latest.return_consent == "no"
        else Reason("consentement au retour recueilli", "consent to return recorded")
    )
    reasons = (said, *_said_otherwise(latest, given))
    status = RISK if latest.return_consent == "no" else NO_KNOWN_RISK
    return Factor("informed_consent", status, refs([latest]), reasons)


def _said_otherwise(latest: TracingRecord, given: list[TracingRecord]) -> tuple[Reason, ...]:
    others = {
        f"{r.source} · {r.record_id}" for r in given if r.return_consent != latest.return_consent
    }
    if not others:
        return ()
    named = ", ".join(sorted(others))
    one = len(others) == 1
    fr = "une autre fiche dit" if one else "d'autres fiches disent"
    en = "another record says" if one else "other records say"
    return (
        Reason(
            f"la fiche la plus récente à en parler décide ; {fr} le contraire : {named}",
            f"the latest record to say so decides; {en} otherwise: {named}",
        ),
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
            refs(person.records),
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
    awaiting: Sequence[tuple[str, Ref]] = (),
) -> tuple[str, list[Factor]]:
    """The overall status and every factor, for the person and the relatives it counts
    (`tracing.counted`); `awaiting`: `(relative's person, suspect's record)` for each
    pair a reviewer has yet to decide between a relative's record and a suspect's (a guard
    held it back, so the relative is not yet known to be the suspect, nor known not to
    be)."""
    profile = graph.profiles[person]
    kin = counted(relatives)
    own = _recorded_as_suspect(profile)
    factors = [
        *([own] if own else []),
        _suspects(kin, graph, awaiting),
        _prior_episodes(profile, kin, graph),
        _minor(profile, today),
        _caregiver(kin),
        _consent(profile),
        _area(profile, areas),
    ]
    statuses = {f.status for f in factors}
    overall = RISK if RISK in statuses else UNKNOWN if UNKNOWN in statuses else NO_KNOWN_RISK
    return overall, factors
