"""Kinship inferred from names, sex, ages, places and shared case files."""

from __future__ import annotations

import uuid

from tests.tracing.families import person
from tracing.graph import DECLARED_PROBABILITY
from tracing.infer import KEPT, household_kin, infer_for
from tracing.kinindex import KinIndex, band
from tracing.persons import build_profiles


def _inferred(records, asked):
    profiles = build_profiles(records)
    return {(i.b, i.kind): i for i in infer_for(KinIndex.build(profiles), f"E-{asked}")}


def test_a_father_too_young_to_be_one_is_not_proposed() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"),
        person("P", "Bakary TRAORE", "M", 1995),
    ]
    assert ("E-P", "father") not in _inferred(records, "C")


def test_a_mother_must_be_a_woman() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, mother_name="Awa Diarra"),
        person("P", "Awa DIARRA", "M", 1975),
    ]
    assert ("E-P", "mother") not in _inferred(records, "C")


def test_a_father_written_by_his_given_name_only_takes_the_child_s_family_name() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary"),
        person("P", "Bakary TRAORE", "M", 1970),
        person("Q", "Bakary SANGARE", "M", 1970),
    ]
    found = _inferred(records, "C")
    assert ("E-Q", "father") not in found or (
        found[("E-Q", "father")].probability < found[("E-P", "father")].probability
    )


def test_a_mother_may_be_written_under_her_husband_s_name() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, mother_name="Awa Diarra épouse Traoré"),
        person("M", "Mme TRAORE Awa", "F", 1975),
    ]
    assert ("E-M", "mother") in _inferred(records, "C")


def test_two_children_of_one_household_listing_with_one_name_are_siblings() -> None:
    profiles = build_profiles(
        [
            person("A", "Awa KONE", "F", 2008, case_id="R-1", role="beneficiary"),
            person("B", "Ali KONE", "M", 2011, case_id="R-1", role="household_member"),
        ]
    )
    kind, probability, _ = household_kin(profiles["E-A"], profiles["E-B"])
    assert kind == "sibling"
    assert probability < DECLARED_PROBABILITY


def test_a_suspect_named_in_the_same_case_is_not_guessed_kin() -> None:
    profiles = build_profiles(
        [
            person("A", "Awa KONE", "F", 2008, case_id="ID-1", role="victim"),
            person("S", "Ali KONE", "M", 1980, case_id="ID-1", role="suspect"),
        ]
    )
    assert household_kin(profiles["E-A"], profiles["E-S"]) is None


def test_a_parent_declared_dead_is_still_the_parent() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="feu Bakary Traoré"),
        person("P", "Bakary TRAORE", "M", 1970),
    ]
    assert ("E-P", "father") in _inferred(records, "C")


def test_a_parent_declared_unknown_is_no_name() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, mother_name="Inconnue"),
        person("P", "Inconnue", "F", 1970),
    ]
    assert ("E-P", "mother") not in _inferred(records, "C")


def test_a_wife_listed_under_her_husband_s_name_is_his_spouse_not_his_sister() -> None:
    profiles = build_profiles(
        [
            person("H", "Bakary KONE", "M", 1975, case_id="R-1", role="household_member"),
            person("W", "Mme KONE Awa", "F", 1983, case_id="R-1", role="household_member"),
        ]
    )
    assert household_kin(profiles["E-H"], profiles["E-W"])[0] == "spouse"


def _namesakes(n: int) -> list:
    """``n`` men named Bakary Traoré of Sirakoro, of an age to be the child's father."""
    return [
        person(f"P{k}", "Bakary TRAORE", "M", 1960 + k % 15, origin_village="Sirakoro")
        for k in range(n)
    ]


def test_a_child_keeps_only_its_likeliest_fathers() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"),
        *_namesakes(KEPT["father"] + 7),
    ]
    fathers = [i for i in _inferred(records, "C").values() if i.kind == "father"]
    assert len(fathers) == KEPT["father"]


def test_a_common_father_s_name_makes_each_namesake_less_likely() -> None:
    one = _inferred(
        [person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"), *_namesakes(1)], "C"
    )
    many = _inferred(
        [person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"), *_namesakes(8)], "C"
    )
    assert many[("E-P0", "father")].probability < one[("E-P0", "father")].probability


def test_a_parent_infers_no_children_of_its_own() -> None:
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"),
        person("P", "Bakary TRAORE", "M", 1970),
    ]
    assert _inferred(records, "P") == {}
    assert ("E-P", "father") in _inferred(records, "C")


def test_a_name_borne_by_too_many_persons_proposes_none_of_them(monkeypatch) -> None:
    monkeypatch.setattr("tracing.kinindex.MAX_CANDIDATES", 5)
    records = [
        person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré"),
        *_namesakes(6),
    ]
    assert not [i for i in _inferred(records, "C").values() if i.kind == "father"]


def test_a_crowd_s_penalty_moves_only_when_it_grows_by_about_two_fifths() -> None:
    assert band(16) == band(22) == 4.0
    assert band(23) == band(31) == 4.5
    assert band(32) == 5.0
    assert band(0) == band(1) == 0.0


def _fathers_kept(entity_ids: list[str]) -> list[str]:
    """The record ids of the fathers kept for a child whose father's name more men bear,
    equally likely, than a person keeps, each man's person given ``entity_ids``."""
    men = [
        person(f"P{k}", "Bakary TRAORE", "M", 1970, origin_village="Sirakoro", entity_id=e)
        for k, e in enumerate(entity_ids)
    ]
    child = person("C", "Seydou TRAORE", "M", 2000, father_name="Bakary Traoré")
    found = infer_for(KinIndex.build(build_profiles([child, *men])), "E-C")
    record_of = {m.entity_id: m.record_id for m in men}
    return sorted(record_of[i.b] for i in found if i.kind == "father")


def test_equally_likely_fathers_beyond_the_limit_are_kept_by_their_files_not_their_ids() -> None:
    count = KEPT["father"] + 2
    ids = [str(uuid.uuid4()) for _ in range(count)]
    kept = _fathers_kept(ids)
    assert kept == [f"P{k}" for k in range(KEPT["father"])]
    assert _fathers_kept(ids[::-1]) == kept
    assert _fathers_kept(sorted(ids)) == kept


def test_a_mother_younger_than_any_mother_but_for_loose_ages_is_less_likely_and_said_so() -> None:
    """Eleven years between a woman and a child: possible only if an age was written
    wrong, so the gap counts against the link instead of for it."""

    def mother_born(year: int):
        records = [
            person("C", "Rokia SANOGO", "F", 2010, mother_name="Awa Traoré"),
            person("M", "Awa TRAORE", "F", year),
        ]
        return _inferred(records, "C")[("E-M", "mother")]

    young, likely = mother_born(1999), mother_born(1985)
    assert young.probability < likely.probability
    assert (
        "mother born about 11 years before the child: too few for a parent, unless an age is wrong"
        in [r.en for r in young.reasons]
    )
