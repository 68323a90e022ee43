"""Flags: a person identified again (possible re-trafficking), a person a family seeks."""

from __future__ import annotations

from datetime import date

from tests.tracing.families import person
from tracing.flags import flagged
from tracing.persons import build_profiles


def _record(record_id: str, case_id: str, case_type: str, role: str, year: int):
    return person(
        record_id,
        "Fatoumata DIARRA",
        "F",
        2008,
        entity_id="E-V",
        case_id=case_id,
        case_type=case_type,
        role=role,
        registered_on=date(year, 5, 1),
    )


def test_a_person_identified_in_two_cases_may_have_been_re_trafficked() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("R1", "RE-1", "return", "returnee", 2019),
        _record("I2", "ID-2", "identification", "victim", 2023),
    ]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "possible_retrafficking"
    assert flag.evidence == ("I1", "I2", "R1")
    assert flag.latest == "2023-05-01"


def test_one_identification_and_its_return_are_one_episode() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("R1", "RE-1", "return", "returnee", 2019),
    ]
    assert flagged(build_profiles(records)) == []


def test_a_person_assisted_and_sought_by_the_family_is_flagged() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("S1", "TR-1", "tracing_request", "sought", 2020),
    ]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "sought_by_family"
    assert flag.reason.en.startswith("sought by the family")
