"""Flags: a person identified again (possible re-trafficking), a person a family seeks."""

from __future__ import annotations

from datetime import date

from tests.tracing.families import person
from tracing.flags import arrival_flags, flagged
from tracing.persons import build_profiles


def _record(
    record_id: str, case_id: str, case_type: str, role: str, year: int, on: date | None = None
):
    return person(
        record_id,
        "Fatoumata DIARRA",
        "F",
        2008,
        entity_id="E-V",
        case_id=case_id,
        case_type=case_type,
        role=role,
        registered_on=on or date(year, 5, 1),
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


def test_a_referral_from_one_organisation_to_another_is_one_episode() -> None:
    """An NGO identifies her, the DNPEF opens its own file seven weeks later: the referral
    mechanism at work, not a second trafficking."""
    records = [
        _record("I1", "ONG-1", "identification", "victim", 2024, date(2024, 1, 16)),
        _record("I2", "DNPEF-1", "identification", "victim", 2024, date(2024, 3, 4)),
    ]
    assert flagged(build_profiles(records)) == []


def test_files_further_apart_than_a_referral_are_two_episodes() -> None:
    records = [
        _record("I1", "ONG-1", "identification", "victim", 2024, date(2024, 1, 16)),
        _record("I2", "DNPEF-1", "identification", "victim", 2024, date(2024, 3, 4)),
        _record("I3", "DNPEF-2", "identification", "victim", 2024, date(2024, 11, 20)),
    ]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "possible_retrafficking" and flag.reason.en == "identified in 3 case files"


def test_a_file_without_a_date_cannot_be_called_a_referral() -> None:
    undated = person(
        "I2",
        "Fatoumata DIARRA",
        "F",
        2008,
        entity_id="E-V",
        case_id="DNPEF-1",
        case_type="identification",
        role="victim",
    )
    records = [_record("I1", "ONG-1", "identification", "victim", 2024), undated]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "possible_retrafficking"


def test_one_identification_and_its_return_are_one_episode() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("R1", "RE-1", "return", "returnee", 2019),
    ]
    assert flagged(build_profiles(records)) == []


def test_a_person_returned_twice_may_have_been_re_trafficked() -> None:
    records = [
        _record("R1", "RE-1", "return", "returnee", 2019),
        _record("R2", "RE-2", "return", "returnee", 2023),
    ]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "possible_retrafficking"
    assert flag.reason.en == "returned in 2 case files"


def test_a_person_assisted_and_sought_by_the_family_is_flagged() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("S1", "TR-1", "tracing_request", "sought", 2020),
    ]
    (flag,) = flagged(build_profiles(records))
    assert flag.flag == "sought_by_family"
    assert flag.reason.en.startswith("sought by the family")


def _arrivals(records, new: set[str]):
    (profile,) = build_profiles(records).values()
    return [f.flag for f in arrival_flags(profile, new)]


def test_a_new_identification_of_a_person_identified_before_is_flagged_on_arrival() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("R1", "RE-1", "return", "returnee", 2019),
        _record("I2", "ID-2", "identification", "victim", 2023),
    ]
    assert _arrivals(records, {"I2"}) == ["possible_retrafficking"]


def test_a_new_identification_of_a_person_sought_is_flagged_on_arrival() -> None:
    records = [
        _record("S1", "TR-1", "tracing_request", "sought", 2020),
        _record("I1", "ID-1", "identification", "victim", 2021),
    ]
    assert _arrivals(records, {"I1"}) == ["sought_by_family"]


def test_a_new_tracing_request_is_not_an_arrival() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("S1", "TR-1", "tracing_request", "sought", 2020),
    ]
    assert _arrivals(records, {"S1"}) == []


def test_a_first_identification_and_its_return_raise_nothing() -> None:
    records = [
        _record("I1", "ID-1", "identification", "victim", 2019),
        _record("R1", "RE-1", "return", "returnee", 2019),
    ]
    assert _arrivals(records, {"R1"}) == []
