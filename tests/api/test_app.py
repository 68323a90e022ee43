"""The HTTP API: health without a token, records with one, protected fields per role."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from models.store import Store
from models.users import UserRole
from service.importing import import_records
from tests.conftest import write_csv
from tracing.graph_version import graph_version

ROWS = (
    "record_id,source,full_name,sex,phone,current_location\n"
    "V-1,OIM,TRAORE Aminata,F,+223 70 00 00 01,Centre d'accueil de Mopti\n"
    "V-2,ONG-A,COULIBALY Awa,F,+223 70 00 00 02,Foyer de transit de Gao\n"
)


@pytest.fixture
def client(store: Store, tmp_path: Path) -> TestClient:
    report = import_records(store, write_csv(tmp_path / "r.csv", ROWS))
    assert report.ok
    return TestClient(create_app(store))


def _token(store: Store, role: UserRole, org: str | None = None) -> dict[str, str]:
    _, token = store.add_user(f"{role}-{org}", role, org)
    return {"Authorization": f"Bearer {token}"}


def _record_id(store: Store, record_id: str) -> str:
    return str(store.find_record(record_id)[0].id)


def test_health_needs_no_token_and_reports_the_schema(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["schema_up_to_date"] is True


def test_health_reports_the_version_of_the_family_graph(client: TestClient) -> None:
    graph = client.get("/health").json()["family_graph"]
    assert graph == {"stored": None, "code": graph_version(), "current": True, "built": False}


def test_health_reports_durable_commits(client: TestClient, store: Store) -> None:
    durability = client.get("/health").json()["durability"]
    if store.dialect == "sqlite":
        assert durability == {"synchronous": "FULL", "journal_mode": "wal"}
    else:
        assert durability == {"fsync": "on", "synchronous_commit": "on"}


def test_the_access_log_never_holds_a_query(
    client: TestClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """`GET /search?name=` names a sought child: the log keeps the path alone."""
    with caplog.at_level("INFO", logger="nrm.access"):
        client.get("/search?name=Aminata+Traore", headers=_token(store, UserRole.ADMIN))
    [line] = [r.getMessage() for r in caplog.records if r.name == "nrm.access"]
    assert line.startswith("GET /search 200 ") and "Aminata" not in line


def test_records_need_a_token(client: TestClient) -> None:
    assert client.get("/records").status_code == 401


def test_a_revoked_token_is_refused(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.REVIEWER)
    store.revoke_user("reviewer-None")
    assert client.get("/records", headers=headers).status_code == 401


@pytest.mark.parametrize("role", [UserRole.REVIEWER, UserRole.TRACING_OFFICER])
def test_reviewers_and_tracing_officers_never_see_location_or_phone(
    client: TestClient, store: Store, role: UserRole
) -> None:
    headers = _token(store, role)
    record = client.get(f"/records/{_record_id(store, 'V-1')}", headers=headers).json()
    assert "current_location" not in record and "phone" not in record
    listed = client.get("/records", headers=headers).json()["items"]
    assert all("current_location" not in r and "phone" not in r for r in listed)


def test_a_caseworker_sees_protected_fields_only_for_records_of_their_organisation(
    client: TestClient, store: Store
) -> None:
    headers = _token(store, UserRole.CASEWORKER, "OIM")
    own = client.get(f"/records/{_record_id(store, 'V-1')}", headers=headers).json()
    other = client.get(f"/records/{_record_id(store, 'V-2')}", headers=headers).json()
    assert own["current_location"] == "Centre d'accueil de Mopti"
    assert "current_location" not in other and "phone" not in other


def test_an_admin_sees_protected_fields(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.ADMIN)
    record = client.get(f"/records/{_record_id(store, 'V-2')}", headers=headers).json()
    assert record["phone"] == "+223 70 00 00 02"


def test_an_unknown_record_is_404(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.ADMIN)
    response = client.get("/records/00000000-0000-4000-8000-000000000000", headers=headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "fiche introuvable"}


def test_a_malformed_id_is_a_4xx(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.ADMIN)
    assert client.get("/records/not-a-uuid", headers=headers).status_code == 422


def test_records_are_filtered_and_paginated(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.ADMIN)
    page = client.get("/records?source=OIM&limit=1", headers=headers).json()
    assert page["total"] == 1 and page["limit"] == 1
    assert page["items"][0]["record_id"] == "V-1"
    assert client.get("/records?limit=500", headers=headers).status_code == 422


def test_a_caseworker_finds_a_record_by_its_given_and_family_names_in_either_order(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    split = "record_id,source,given_names,family_name,sex\nV-3,OIM,Salimata,Camara,F\n"
    assert import_records(store, write_csv(tmp_path / "split.csv", split)).ok
    headers = _token(store, UserRole.CASEWORKER, "OIM")
    for name in ("Salimata Camara", "Camara Salimata", "camara"):
        page = client.get("/records", params={"name": name}, headers=headers).json()
        assert [r["record_id"] for r in page["items"]] == ["V-3"] and page["total"] == 1, name


def test_a_record_is_found_by_the_organisations_own_id(client: TestClient, store: Store) -> None:
    headers = _token(store, UserRole.ADMIN)
    page = client.get("/records?record_id=V-1", headers=headers).json()
    assert page["total"] == 1 and page["items"][0]["record_id"] == "V-1"
    assert client.get("/records?record_id=NOPE", headers=headers).json()["total"] == 0
