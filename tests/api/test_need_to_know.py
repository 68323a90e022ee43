"""Need to know by organisation: a caseworker reads their organisation's cases in full;
another organisation sees who a person is (minimal view) unless it states why it opens
the case file (`X-Purpose`, audited); a list shows the reader's own cases only.

The world: OIM and ONG-A each recorded an Aminata Traoré (A-1, A-2) and more."""

from __future__ import annotations

from typing import Any

import pytest

from models.records import PROTECTED_FIELDS
from service import Actor
from service.protection import MINIMAL_FIELDS
from tests.api.conftest import World

PURPOSE = {"X-Purpose": "verify the identity of a returnee before reunification"}


def _record(world: World, who: str, name: str, **headers: str) -> dict[str, Any]:
    response = world.client.get(
        f"/records/{world.records[name]}", headers=world.headers(who, **headers)
    )
    assert response.status_code == 200, response.text
    return response.json()


def _list(world: World, who: str, query: str = "") -> dict[str, Any]:
    response = world.client.get(f"/records{query}", headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_caseworker_reads_their_own_organisations_case_in_full(world: World) -> None:
    record = _record(world, "caseworker@ONG-A", "A-2")
    assert record["access"] == "full"
    assert record["phone"] == "+223 70 00 00 02"
    assert record["origin_village"] == "Sirakoro" and record["case_id"] == "C2"


def test_another_organisation_sees_only_who_the_person_is(world: World) -> None:
    record = _record(world, "caseworker@ONG-A", "A-1")
    assert record["access"] == "minimal"
    assert set(record) == {*MINIMAL_FIELDS, "access"}
    assert record["full_name"] == "TRAORE Aminata" and record["sex"] == "F"
    assert not set(record) & {"origin_village", "origin_cercle", "case_id", "registered_on"}
    assert not set(record) & PROTECTED_FIELDS


def test_the_minimal_view_gives_a_birth_year_never_a_day(world: World) -> None:
    record = _record(world, "tracing_officer@ONG-A", "K-1")
    assert (record["birth_earliest"], record["birth_latest"]) == ("2012-01-01", "2012-12-31")
    assert record["birth_precision"] == "year" and "birth_date" not in record


def test_a_stated_purpose_opens_another_organisations_case_file_without_its_contacts(
    world: World,
) -> None:
    record = _record(world, "tracing_officer@ONG-A", "A-1", **PURPOSE)
    assert record["access"] == "case"
    assert record["origin_village"] == "Sirakoro" and record["case_id"] == "C1"
    assert not set(record) & PROTECTED_FIELDS


def test_opening_another_organisations_case_is_audited_with_the_purpose(world: World) -> None:
    _record(world, "tracing_officer@ONG-A", "A-1", **PURPOSE)
    rows, _ = world.store.audit_rows({"action": "read_record"})
    assert rows[0]["purpose"] == PURPOSE["X-Purpose"]
    assert rows[0]["detail"]["other_organisation"] == [str(world.records["A-1"])]
    assert rows[0]["detail"]["view"] == "case"


def test_other_roles_of_the_recording_organisation_read_the_case_without_contacts(
    world: World,
) -> None:
    record = _record(world, "tracing_officer@OIM", "A-1")
    assert record["access"] == "case" and record["case_id"] == "C1"
    assert not set(record) & PROTECTED_FIELDS


def test_a_list_shows_the_readers_own_organisation_only(world: World) -> None:
    page = _list(world, "tracing_officer@ONG-A", "?limit=200")
    assert page["total"] == 3 and {r["source"] for r in page["items"]} == {"ONG-A"}
    assert _list(world, "tracing_officer@ONG-A", "?source=OIM")["total"] == 0


def test_a_user_of_no_organisation_lists_nothing_and_an_admin_everything(world: World) -> None:
    assert _list(world, "reviewer")["total"] == 0
    assert _list(world, "admin")["total"] == 8


@pytest.mark.parametrize("name", ["%%", "__", "%a%", "\\%"])
def test_like_wildcards_in_a_name_match_only_themselves(world: World, name: str) -> None:
    assert _list(world, "admin", f"?name={name}")["total"] == 0
    assert _list(world, "admin", "?name=raor")["total"] == 2


def test_the_person_view_shows_other_organisations_records_minimally(world: World) -> None:
    world.decide("adult", "match")
    record = world.store.get_record(world.records["A-1"])
    assert record is not None
    person = world.client.get(
        f"/entities/{record.entity_id}", headers=world.headers("caseworker@ONG-A")
    ).json()
    views = {r["source"]: r for r in person["records"]}
    assert views["ONG-A"]["access"] == "full" and views["OIM"]["access"] == "minimal"
    assert person["consolidated"]["origin_village"]["records"] == [str(world.records["A-2"])]
    assert person["consolidated"]["phone"]["value"] == "+223 70 00 00 02"


def test_a_reader_who_sees_a_person_minimally_gets_no_decision_notes(world: World) -> None:
    world.decide("adult", "match")
    record = world.store.get_record(world.records["A-1"])
    assert record is not None
    url = f"/entities/{record.entity_id}"
    outsider = world.client.get(url, headers=world.headers("tracing_officer@ONG-B")).json()
    insider = world.client.get(url, headers=world.headers("tracing_officer@OIM")).json()
    assert [d["note"] for d in outsider["history"]] == [None]
    assert [d["note"] for d in insider["history"]] == ["vu les deux dossiers"]


def test_a_reviewer_compares_minimal_records_unless_a_purpose_is_stated(world: World) -> None:
    url = f"/suggestions/{world.suggestions['adult']}"
    plain = world.client.get(url, headers=world.headers("reviewer")).json()
    assert {r["access"] for r in plain["records"]} == {"minimal"}
    assert plain["comparison"], "the field comparison is what a reviewer decides on"
    opened = world.client.get(url, headers=world.headers("reviewer", **PURPOSE)).json()
    assert {r["access"] for r in opened["records"]} == {"case"}
    rows, _ = world.store.audit_rows({"action": "read_suggestion"})
    assert len(rows[0]["detail"]["other_organisation"]) == 2


def test_the_service_decides_whatever_the_face(world: World) -> None:
    """The rule lives in the use case: a face calling it directly gets the same view."""
    service = world.client.app.state.service
    officer = world.store.user_by_token(world.headers("tracing_officer@ONG-A")["Authorization"][7:])
    assert officer is not None
    minimal = service.get_record(Actor(officer), world.records["A-1"])
    opened = service.get_record(Actor(officer, purpose="tracing request T-1"), world.records["A-1"])
    assert (minimal["access"], opened["access"]) == ("minimal", "case")
    assert Actor(officer, purpose="   ").stated_purpose is False
    assert Actor(officer, purpose=" x  .  ").stated_purpose is False


@pytest.mark.parametrize(
    "purpose",
    [".", "x", "vu", "  retour  ", "\u200b".encode() * 12, "\u3164".encode() * 12],
)
def test_a_purpose_of_a_keystroke_is_refused_saying_why(world: World, purpose: str | bytes) -> None:
    """Need to know is not one keystroke away: a purpose says why in words."""
    url = f"/records/{world.records['A-1']}"
    answer = world.client.get(
        url, headers=world.headers("tracing_officer@ONG-B", **{"X-Purpose": purpose})
    )
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["msg"].startswith("X-Purpose : dites en quelques mots pourquoi")
    rows, _ = world.store.audit_rows({"action": "read_record"})
    assert rows == []


def test_a_purpose_the_api_lets_through_opens_the_case(world: World) -> None:
    """The header's rule and the service's agree, accented letters included: nine letters
    but thirteen bytes pass both."""
    url = f"/records/{world.records['A-1']}"
    headers = world.headers("tracing_officer@ONG-B", **{"X-Purpose": "élève âgé".encode()})
    answer = world.client.get(url, headers=headers)
    assert answer.status_code == 200 and answer.json()["access"] == "case"
