"""Settled pairs whose records changed afterwards: a reviewer is told which decisions to
read again and what moved, never a protected field; the decisions stand (SQLite and
PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from models.store import Store
from models.users import UserRole
from service import Actor, Service
from service.errors import Forbidden
from tests.api.conftest import World
from tests.conftest import write_csv

HEADER = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
    "origin_village,origin_cercle,father_name,mother_name,phone,current_location\n"
)
A2 = "A-2,ONG-A,C2,reintegration,2024-06-01,TRAORÉ Aminata,F,{born},Sirakoro,Kati,Bakari,"
A2_AFTER = "Fatoumata Diara,{phone},{place}\n"


def _import_a2(service: Service, folder: Path, born: str = "vers 1991", **after: str) -> None:
    row = A2.format(born=born) + A2_AFTER.format(
        phone=after.get("phone", "+223 70 00 00 02"), place=after.get("place", "Foyer de Gao")
    )
    report = service.import_file(write_csv(folder / "a2.csv", HEADER + row), link=False)
    assert report.ok, report


def _reviewer(store: Store, name: str = "relectrice") -> Actor:
    user, _ = store.add_user(name, UserRole.REVIEWER, "OIM")
    return Actor(user, lang="fr")


def _confirm_the_adults(world: World) -> str:
    answer = world.decide("adult", "match")
    assert answer.status_code == 200, answer.text
    return answer.json()["decision"]["id"]


def test_a_confirmed_pair_whose_record_changed_is_listed_with_the_fields_that_moved(
    world: World, tmp_path: Path
) -> None:
    service = Service(world.store)
    decided = _confirm_the_adults(world)
    _import_a2(service, tmp_path, born="1993")

    listed = service.outdated_decisions(_reviewer(world.store))

    assert [item["decision"]["id"] for item in listed] == [decided]
    changed = {p["record_id"]: p["changed"] for p in listed[0]["people"]}
    assert changed == {"A-1": [], "A-2": ["birth_date"]}


def test_a_decision_on_records_that_did_not_change_is_not_listed(
    world: World, tmp_path: Path
) -> None:
    service = Service(world.store)
    _confirm_the_adults(world)
    _import_a2(service, tmp_path)  # the same values again

    assert service.outdated_decisions(_reviewer(world.store)) == []


def test_a_change_of_a_protected_field_alone_lists_nothing(world: World, tmp_path: Path) -> None:
    service = Service(world.store)
    _confirm_the_adults(world)
    _import_a2(service, tmp_path, phone="+223 70 00 00 09", place="Centre de Sévaré")

    assert service.outdated_decisions(_reviewer(world.store)) == []


def test_a_decision_taken_after_the_change_is_not_listed(world: World, tmp_path: Path) -> None:
    service = Service(world.store)
    _import_a2(service, tmp_path, born="1993")
    _confirm_the_adults(world)

    assert service.outdated_decisions(_reviewer(world.store)) == []


def test_a_reverted_decision_is_not_listed(world: World, tmp_path: Path) -> None:
    service = Service(world.store)
    decided = _confirm_the_adults(world)
    _import_a2(service, tmp_path, born="1993")
    reviewer = _reviewer(world.store)

    service.revert(reviewer, uuid.UUID(decided), "les dates ne concordent plus")

    assert service.outdated_decisions(reviewer) == []


def test_the_list_is_audited_with_the_records_it_names(world: World, tmp_path: Path) -> None:
    service = Service(world.store)
    _confirm_the_adults(world)
    _import_a2(service, tmp_path, born="1993")

    service.outdated_decisions(_reviewer(world.store))

    rows = world.store.audit_rows({"action": "list_outdated_decisions"})[0]
    assert len(rows) == 1
    assert str(world.records["A-2"]) in str(rows[0]["detail"])


@pytest.mark.parametrize("role", [UserRole.CASEWORKER, UserRole.TRACING_OFFICER])
def test_the_list_is_the_reviewers(world: World, role: UserRole) -> None:
    user, _ = world.store.add_user(f"u-{role.value}", role, "OIM")
    with pytest.raises(Forbidden):
        Service(world.store).outdated_decisions(Actor(user, lang="fr"))


def test_the_api_lists_them_for_reviewers(world: World, tmp_path: Path) -> None:
    decided = _confirm_the_adults(world)
    _import_a2(Service(world.store), tmp_path, born="1993")

    answer = world.client.get("/decisions/outdated", headers=world.headers("reviewer2"))
    refused = world.client.get("/decisions/outdated", headers=world.headers("caseworker"))

    assert answer.status_code == 200, answer.text
    assert [item["decision"]["id"] for item in answer.json()] == [decided]
    assert refused.status_code == 403


def test_a_reader_of_the_minimal_view_is_told_only_of_what_that_view_shows(
    world: World, tmp_path: Path
) -> None:
    """A-2 is ONG-A's: a reviewer of OIM reads its minimal view (years of birth, no
    village), so a birth moved within its year and a village are not named to her, and
    the pair is not listed for her."""
    service = Service(world.store)
    row = A2.format(born="1991-03-02") + A2_AFTER.format(
        phone="+223 70 00 00 02", place="Foyer de Gao"
    )
    assert service.import_file(write_csv(tmp_path / "a.csv", HEADER + row), link=False).ok
    _confirm_the_adults(world)
    moved = row.replace("1991-03-02", "1991-09-20").replace("Sirakoro", "Siby")
    assert service.import_file(write_csv(tmp_path / "b.csv", HEADER + moved), link=False).ok

    other = service.outdated_decisions(_reviewer(world.store))
    own_user, _ = world.store.add_user("relectrice-ong", UserRole.REVIEWER, "ONG-A")
    own = service.outdated_decisions(Actor(own_user, lang="fr"))

    assert other == []
    assert {p["record_id"]: p["changed"] for p in own[0]["people"]}["A-2"] == [
        "birth_date",
        "origin_village",
    ]
