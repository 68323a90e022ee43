"""Safe-return assessment: each factor as risk, no_known_risk or unknown; never "safe"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from tests.tracing.families import person
from tracing.areas import InsecureArea
from tracing.assessment import assess
from tracing.factors import Ref
from tracing.graph import Population
from tracing.persons import DeclaredRelation
from tracing.relatives import relatives

TODAY = date(2025, 6, 1)
PLACE = {"origin_village": "Sirakoro", "origin_commune": "Sirakoro", "origin_cercle": "Kati"}
AREAS = (InsecureArea("Kati", "cercle", "insécurité élevée", "cluster protection", "2025-01-15"),)


def _assess(records, relations=(), areas=()):
    declared = [DeclaredRelation(a, kind, b) for a, kind, b in relations]
    population = Population.build(records, declared)
    me = records[0].person
    graph = population.graph([me])
    status, factors = assess(graph, me, relatives(graph, me, 50), TODAY, areas)
    return status, {f.factor: f for f in factors}


def _victim(**fields):
    values = {"case_id": "ID-1", "case_type": "identification", "role": "victim", **PLACE}
    values.update(fields)
    return person("V", "Fatoumata DIARRA", "F", values.pop("born", 2010), **values)


def test_a_suspect_in_the_family_is_a_risk_with_its_evidence() -> None:
    uncle = person("U", "Drissa DIARRA", "M", 1975, case_id="ID-1", role="suspect", **PLACE)
    status, factors = _assess([_victim(), uncle], [("V", "other", "U")])
    assert factors["family_involvement"].status == "risk"
    assert factors["family_involvement"].evidence == ("U",)
    assert status == "risk"


def test_the_suspect_s_link_is_said_declared_or_inferred_and_how_surely() -> None:
    uncle = person("U", "Drissa DIARRA", "M", 1975, case_id="ID-1", role="suspect", **PLACE)
    _, factors = _assess([_victim(), uncle], [("V", "other", "U")])
    (reason,) = factors["family_involvement"].reasons
    assert reason.fr.endswith("Drissa DIARRA (autre lien, déclaré(e))")
    father = person("F", "Bakary DIARRA", "M", 1970, case_id="ID-2", role="suspect", **PLACE)
    victim = _victim(father_name="Bakary Diarra")
    _, factors = _assess([victim, father])
    (reason,) = factors["family_involvement"].reasons
    assert "(père, déduit(e) à " in reason.fr and " %)" in reason.fr


def test_a_person_named_as_a_suspect_in_a_file_of_their_own_is_warned_about() -> None:
    victim = _victim(entity_id="E-V")
    recruiter = person(
        "R", "Fatoumata DIARRA", "F", 2010, entity_id="E-V", case_id="ID-7", role="suspect", **PLACE
    )
    status, factors = _assess([victim, recruiter])
    own = factors["person_recorded_as_suspect"]
    assert own.status == "risk" and own.evidence == ("R",)
    assert "ID-7" in own.reasons[0].fr and "one person" in own.reasons[0].en
    assert status == "risk"


def test_a_person_never_named_as_a_suspect_has_no_such_factor() -> None:
    _, factors = _assess([_victim()])
    assert "person_recorded_as_suspect" not in factors


def test_a_relative_a_reviewer_has_yet_to_tell_from_a_suspect_is_not_no_risk() -> None:
    aunt = person("A", "Hawa TRAORE", "F", 1980, case_id="ID-1", role="household_member", **PLACE)
    records = [_victim(), aunt]
    population = Population.build(records, [DeclaredRelation("V", "other", "A")])
    graph = population.graph(["E-V"])
    family = relatives(graph, "E-V", 50)
    _, factors = assess(graph, "E-V", family, TODAY, (), awaiting=[("E-A", Ref("DNPEF", "S-9"))])
    involvement = next(f for f in factors if f.factor == "family_involvement")
    assert involvement.status == "unknown" and involvement.evidence == ("A", "S-9")


def test_a_minor_needs_a_best_interests_determination() -> None:
    _, factors = _assess([_victim()])
    assert factors["child_best_interests"].status == "risk"
    assert "Best Interests Determination" in factors["child_best_interests"].reasons[0].en


def test_a_minor_s_reason_gives_the_ages_the_records_allow() -> None:
    _, factors = _assess([_victim(born=2012)])
    assert factors["child_best_interests"].reasons[0].en.startswith("a minor (between 12 and 13)")


def test_a_minor_of_a_year_or_less_is_counted_in_the_singular_in_french() -> None:
    _, factors = _assess([_victim(born=2024)])
    assert factors["child_best_interests"].reasons[0].fr.startswith("mineur(e) (entre 0 et 1 an)")


def test_a_person_who_may_be_a_minor_is_presumed_one_until_the_age_is_established() -> None:
    _, factors = _assess([_victim(born=2007)])
    reason = factors["child_best_interests"].reasons[0]
    assert factors["child_best_interests"].status == "risk"
    assert reason.en.startswith("possibly a minor (between 17 and 18): presumed a minor")
    assert reason.fr.startswith("peut-être mineur(e) (entre 17 et 18 ans)")


def test_an_unknown_age_is_unknown_not_adult() -> None:
    _, factors = _assess([_victim(born=None)])
    assert factors["child_best_interests"].status == "unknown"


def test_no_caregiver_is_a_risk_and_an_inferred_one_is_to_be_confirmed() -> None:
    _, alone = _assess([_victim()])
    assert alone["caregiver_identified"].status == "risk"
    mother = person("M", "Awa TRAORE", "F", 1985, **PLACE)
    child = _victim(mother_name="Awa Traoré")
    _, inferred = _assess([child, mother])
    assert inferred["caregiver_identified"].status == "unknown"
    _, declared = _assess([child, mother], [("V", "mother", "M")])
    assert declared["caregiver_identified"].status == "no_known_risk"


def test_a_suspect_parent_is_never_the_caregiver() -> None:
    father = person("F", "Bakary DIARRA", "M", 1975, case_id="ID-1", role="suspect", **PLACE)
    _, factors = _assess([_victim(), father], [("V", "father", "F")])
    assert factors["caregiver_identified"].status == "risk"
    assert factors["family_involvement"].status == "risk"


def test_consent_refused_is_a_risk_and_missing_consent_is_unknown() -> None:
    _, refused = _assess([_victim(return_consent="no")])
    assert refused["informed_consent"].status == "risk"
    _, missing = _assess([_victim()])
    assert missing["informed_consent"].status == "unknown"


def test_the_area_of_return_is_checked_against_the_dated_list() -> None:
    _, unlisted = _assess([_victim()])
    assert unlisted["return_area_security"].status == "unknown"
    _, listed = _assess([_victim()], areas=AREAS)
    assert listed["return_area_security"].status == "risk"
    assert "2025-01-15" in listed["return_area_security"].reasons[0].en


def test_a_person_identified_twice_may_have_been_re_trafficked() -> None:
    first = _victim()
    again = replace(first, id="V2", record_id="V2", case_id="ID-7")
    _, factors = _assess([first, again])
    assert factors["prior_trafficking"].status == "risk"


def test_an_identification_and_its_return_are_not_prior_trafficking() -> None:
    """The same rule as the re-trafficking flag (`tracing.flags.repeated_episodes`)."""
    identified = _victim()
    returned = replace(identified, id="R", record_id="R", case_id="RE-1", case_type="return")
    _, factors = _assess([identified, replace(returned, role="returnee")])
    assert factors["prior_trafficking"].status == "no_known_risk"


def test_a_person_returned_twice_may_have_been_re_trafficked() -> None:
    first = _victim(case_type="return", role="returnee", case_id="RE-1")
    again = replace(first, id="V2", record_id="V2", case_id="RE-2")
    _, factors = _assess([first, again])
    assert factors["prior_trafficking"].status == "risk"


def test_a_declared_parent_the_records_contradict_is_no_identified_caregiver() -> None:
    mother = person("M", "Awa TRAORE", "F", 2008, **PLACE)  # two years before the child
    _, factors = _assess([_victim(born=2010), mother], [("V", "mother", "M")])
    assert factors["caregiver_identified"].status == "unknown"
    assert "contradict" in factors["caregiver_identified"].reasons[0].en


def test_the_overall_status_is_never_safe() -> None:
    mother = person("M", "Awa TRAORE", "F", 1960, **PLACE)
    adult = _victim(born=1990, return_consent="yes")
    status, factors = _assess([adult, mother], [("V", "mother", "M")], areas=AREAS[:0])
    assert status == "unknown"  # the area list is empty: unknown, not a pass
    assert {f.status for f in factors.values()} <= {"risk", "no_known_risk", "unknown"}


def _namesake_father(born: int | None = 1970, **fields):
    """A man named as a suspect who bears the name the child declares for her father."""
    return person("N", "Bakary DIARRA", "M", born, case_id="ID-2", role="suspect", **fields)


def test_a_namesake_is_not_the_father_where_the_files_declare_one_but_is_ruled_out() -> None:
    """Not counted as the father (one is declared), yet never assumed away: the family's
    involvement stays unknown until someone rules the namesake suspect out."""
    declared = person("D", "Bakary DIARRA", "M", 1968, **PLACE)
    records = [_victim(father_name="Bakary Diarra"), _namesake_father(**PLACE), declared]
    _, factors = _assess(records, [("V", "father", "D")])
    involvement = factors["family_involvement"]
    assert involvement.status == "unknown" and "to rule out" in involvement.reasons[0].en
    assert involvement.reasons[-1].en == (
        "named as suspects but not counted as relatives (possible namesakes): "
        "Bakary DIARRA (father, inferred at 85 %): a father is declared"
    )


def test_a_declared_suspect_father_is_a_risk_beside_an_inferred_namesake() -> None:
    declared = person("D", "Bakary DIARRA", "M", 1968, case_id="ID-3", role="suspect", **PLACE)
    records = [_victim(father_name="Bakary Diarra"), _namesake_father(**PLACE), declared]
    _, factors = _assess(records, [("V", "father", "D")])
    involvement = factors["family_involvement"]
    assert involvement.status == "risk" and involvement.evidence == ("D",)
    assert "Bakary DIARRA (père, déclaré(e))" in involvement.reasons[0].fr


def test_a_suspect_inferred_under_the_floor_is_named_but_no_evidence_of_risk() -> None:
    unsure = _namesake_father(born=None, origin_region="Kidal")
    _, factors = _assess([_victim(father_name="Bakary Diarra"), unsure])
    involvement = factors["family_involvement"]
    assert involvement.status == "unknown"  # no relative counts: the family is unknown
    assert involvement.evidence == ()
    assert "Bakary DIARRA (père, déduit(e) à 37 %) : moins de 75 % de chances" in (
        involvement.reasons[-1].fr
    )


def test_a_sibling_also_a_victim_is_said_inferred_and_how_surely() -> None:
    sister = person(
        "H",
        "Binta DIARRA",
        "F",
        1992,
        father_name="Bakary Diarra",
        mother_name="Kadia Keita",
        case_id="ID-3",
        role="victim",
        **PLACE,
    )
    victim = _victim(father_name="Bakary Diarra", mother_name="Awa Traoré")
    _, factors = _assess([victim, sister])
    assert factors["prior_trafficking"].status == "risk"
    assert factors["prior_trafficking"].reasons[0].fr == (
        "un frère ou une sœur a aussi été victime : "
        "Binta DIARRA (demi-frère ou demi-sœur, déduit(e) à 87 %)"
    )


def test_an_inferred_caregiver_is_said_inferred_and_how_surely() -> None:
    mother = person("M", "Awa TRAORE", "F", 1985, **PLACE)
    _, factors = _assess([_victim(mother_name="Awa Traoré"), mother])
    (reason,) = factors["caregiver_identified"].reasons
    assert reason.en.startswith("a parent inferred, none declared")
    assert "Awa TRAORE (mother, inferred at " in reason.en


def test_a_household_member_named_as_a_suspect_is_a_risk_however_unsure_the_kinship() -> None:
    victim = _victim(case_id="RE-1", case_type="reintegration", role="beneficiary")
    member = person("H", "Hawa TRAORE", "F", 1980, case_id="RE-1", role="household_member", **PLACE)
    also_suspect = replace(member, id="H2", record_id="H2", case_id="ID-9", role="suspect")
    _, factors = _assess([victim, member, also_suspect])
    involvement = factors["family_involvement"]
    assert involvement.status == "risk" and involvement.evidence == ("H2",)
    assert "Hawa TRAORE (mother, inferred at " in involvement.reasons[0].en
    assert "%, same case file)" in involvement.reasons[0].en


def test_a_factor_names_its_records_with_their_organisation() -> None:
    uncle = person("U", "Drissa DIARRA", "M", 1975, case_id="ID-1", role="suspect", **PLACE)
    _, factors = _assess([_victim(), replace(uncle, source="DNPEF")], [("V", "other", "U")])
    involvement = factors["family_involvement"]
    assert involvement.records == (Ref("DNPEF", "U"),)
    assert involvement.as_dict()["records"] == [{"source": "DNPEF", "record_id": "U"}]


def test_the_latest_word_on_consent_decides_and_the_records_saying_otherwise_are_named() -> None:
    earlier = _victim(source="OIM", return_consent="yes", registered_on=date(2023, 1, 10))
    latest = replace(
        earlier,
        id="V2",
        record_id="V2",
        source="DNPEF",
        return_consent="no",
        registered_on=date(2024, 5, 2),
    )
    _, factors = _assess([earlier, latest])
    consent = factors["informed_consent"]
    assert consent.status == "risk" and consent.records == (Ref("DNPEF", "V2"),)
    assert [r.en for r in consent.reasons] == [
        "return refused",
        "the latest record to say so decides; another record says otherwise: OIM · V",
    ]
