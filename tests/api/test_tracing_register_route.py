"""POST /tracing/requests: who may register a tracing request, what the answer holds and
points to, what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from models.store import Store
from models.users import UserRole
from tests.api.conftest import bearer
from tests.service.family import import_family

BODY = {
    "requester": {
        "name": "Awa TRAWORE",
        "sex": "F",
        "relation": "mother",
        "phone": "+223 70 00 00 99",
    },
    "sought": [
        {"given": "Fatimata", "family": "Diara", "sex": "F", "age": 15, "village": "Sirakoro"}
    ],
}


@pytest.fixture
def client(store: Store, tmp_path: Path) -> TestClient:
    import_family(store, tmp_path)
    return TestClient(create_app(store))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (UserRole.ADMIN, 201),
        (UserRole.CASEWORKER, 201),
        (UserRole.TRACING_OFFICER, 201),
        (UserRole.REVIEWER, 403),
    ],
)
def test_who_may_register_a_request(
    client: TestClient, store: Store, role: UserRole, status: int
) -> None:
    response = client.post("/tracing/requests", json=BODY, headers=bearer(store, role, "CROIX"))
    assert response.status_code == status, response.text


def test_the_new_request_is_answered_as_the_list_shows_it_with_its_matches_address(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    case = client.post("/tracing/requests", json=BODY, headers=headers).json()
    listed = client.get("/tracing/requests", headers=headers).json()["items"]
    (same,) = [c for c in listed if c["case_id"] == case["case_id"]]
    assert same == {k: case[k] for k in same}
    assert case["matches"] == f"/tracing/requests/{case['case_id']}/matches?source=CROIX"
    matches = client.get(case["matches"], headers=headers)
    assert matches.status_code == 200
    (girl,) = store.find_record("V-1")
    assert matches.json()["matches"][0]["entity_id"] == str(girl.entity_id)


def test_the_answer_points_to_the_matches_in_its_location_header(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    response = client.post("/tracing/requests", json=BODY, headers=headers)
    assert response.headers["Location"] == response.json()["matches"]


def test_the_answer_never_repeats_the_requesters_phone(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    response = client.post("/tracing/requests", json=BODY, headers=headers)
    assert "+223" not in response.text and "phone" not in response.json()


def test_a_request_without_a_requester_name_is_422_and_stores_nothing(
    client: TestClient, store: Store
) -> None:
    before = store.count_records()
    body = {**BODY, "requester": {"sex": "F"}}
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    assert client.post("/tracing/requests", json=body, headers=headers).status_code == 422
    assert store.count_records() == before


def test_a_request_seeking_no_one_is_422(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    response = client.post("/tracing/requests", json={**BODY, "sought": []}, headers=headers)
    assert response.status_code == 422


def test_a_refusal_is_said_in_the_callers_language(client: TestClient, store: Store) -> None:
    body = {**BODY, "requester": {**BODY["requester"], "age": 40, "birth_year": 1984}}
    headers = bearer(store, UserRole.TRACING_OFFICER, "CROIX")
    french = client.post("/tracing/requests", json=body, headers=headers)
    english = client.post(
        "/tracing/requests", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert french.status_code == english.status_code == 422
    assert "pas les deux" in french.json()["detail"]
    assert "not both" in english.json()["detail"]


def test_an_account_of_no_organisation_is_403(client: TestClient, store: Store) -> None:
    response = client.post("/tracing/requests", json=BODY, headers=bearer(store, UserRole.ADMIN))
    assert response.status_code == 403
    assert "organisation" in response.json()["detail"]
