"""POST /tracing/search and the tracing-request routes: who may call them, what is never
shown, what is refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from models.store import Store
from models.users import UserRole
from service import Service
from tests.api.conftest import bearer
from tests.conftest import write_csv
from tests.service.family import import_family
from tests.service.test_tracingsearch import REQUEST

PROTECTED = ("phone", "current_location", "+223", "Centre d'accueil", "Foyer de Kati")
SOUGHT = {"given": "Fatimata", "family": "Diara", "sex": "F", "age": 15, "village": "Sirakoro"}


@pytest.fixture
def client(store: Store, tmp_path: Path) -> TestClient:
    import_family(store, tmp_path)
    assert Service(store).import_file(write_csv(tmp_path / "request.csv", REQUEST)).ok
    return TestClient(create_app(store))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (UserRole.ADMIN, 200),
        (UserRole.CASEWORKER, 200),
        (UserRole.TRACING_OFFICER, 200),
        (UserRole.REVIEWER, 403),
    ],
)
def test_who_may_trace_and_read_requests(
    client: TestClient, store: Store, role: UserRole, status: int
) -> None:
    headers = bearer(store, role)
    assert client.post("/tracing/search", json=SOUGHT, headers=headers).status_code == status
    assert client.get("/tracing/requests", headers=headers).status_code == status
    matches = client.get("/tracing/requests/TR-5/matches", headers=headers)
    assert matches.status_code == status


def test_a_tracing_officer_never_sees_a_location_or_a_phone(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    for response in (
        client.post("/tracing/search", json=SOUGHT, headers=headers),
        client.get("/tracing/requests", headers=headers),
        client.get("/tracing/requests/TR-5/matches", headers=headers),
    ):
        assert response.status_code == 200
        assert not [word for word in PROTECTED if word in response.text]


def test_the_search_answers_reasons_in_the_asked_language(client: TestClient, store: Store) -> None:
    headers = {**bearer(store, UserRole.TRACING_OFFICER), "Accept-Language": "en"}
    hits = client.post("/tracing/search", json=SOUGHT, headers=headers).json()
    assert hits[0]["reasons"] and "given name" in " ".join(hits[0]["reasons"]).lower()


def test_a_search_without_a_name_is_refused(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    response = client.post("/tracing/search", json={"village": "Sirakoro"}, headers=headers)
    assert response.status_code == 422


def test_an_unknown_request_is_404(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    assert client.get("/tracing/requests/NOPE/matches", headers=headers).status_code == 404


def test_confirming_a_match_closes_the_request_without_copying_anything(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    (first, *_) = client.get("/tracing/requests/TR-5/matches", headers=headers).json()["matches"]
    before = store.find_record("Q-2")[0].model_dump()
    response = client.post(
        f"/tracing/requests/TR-5/matches/{first['entity_id']}/decision",
        json={"decision": "confirmed", "note": "vérifié avec la mère"},
        headers=headers,
    )
    assert response.status_code == 200
    assert not [word for word in PROTECTED if word in response.text]
    assert store.find_record("Q-2")[0].model_dump() == before
    page = client.get("/tracing/requests", headers=headers).json()
    (case,) = [c for c in page["items"] if c["case_id"] == "TR-5"]
    assert case["status"] == "matched"
    (shown,) = client.get("/tracing/requests/TR-5/matches", headers=headers).json()["matches"]
    assert (shown["decision"], shown["note"]) == ("confirmed", "vérifié avec la mère")
    assert shown["decided_by"] and shown["decided_at"].endswith("+00:00")


def test_a_second_person_confirmed_as_the_one_sought_is_409(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    first, second, *_ = client.get("/tracing/requests/TR-5/matches", headers=headers).json()[
        "matches"
    ]
    for person, status in ((first, 200), (second, 409)):
        response = client.post(
            f"/tracing/requests/TR-5/matches/{person['entity_id']}/decision",
            json={"decision": "confirmed"},
            headers=headers,
        )
        assert response.status_code == status, response.text


def test_a_request_whose_case_id_holds_slashes_is_reachable(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    slashed = REQUEST.replace("TR-5", "CRM-RFL/2024/7")
    assert Service(store).import_file(write_csv(tmp_path / "slashed.csv", slashed)).ok
    headers = bearer(store, UserRole.TRACING_OFFICER)
    found = client.get("/tracing/requests/CRM-RFL/2024/7/matches", headers=headers)
    assert found.status_code == 200 and found.json()["case_id"] == "CRM-RFL/2024/7"
    (first, *_) = found.json()["matches"]
    decided = client.post(
        f"/tracing/requests/CRM-RFL/2024/7/matches/{first['entity_id']}/decision",
        json={"decision": "dismissed"},
        headers=headers,
    )
    assert decided.status_code == 200 and decided.json()["case_id"] == "CRM-RFL/2024/7"


def test_a_decision_on_a_person_who_does_not_exist_is_404(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    for entity in (str(uuid.uuid4()), "not-an-id"):
        response = client.post(
            f"/tracing/requests/TR-5/matches/{entity}/decision",
            json={"decision": "confirmed"},
            headers=headers,
        )
        assert response.status_code == 404


def test_a_decision_other_than_confirm_or_dismiss_is_refused(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    response = client.post(
        "/tracing/requests/TR-5/matches/x/decision", json={"decision": "maybe"}, headers=headers
    )
    assert response.status_code == 422


def test_nrm_trace_prints_ranked_persons_as_json(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    family = Store.open(db)
    import_family(family, tmp_path)
    family.close()
    asked = ["trace", "--given", "Fatimata", "--family", "Diara", "--age", "15", "--json"]
    result = CliRunner().invoke(main, [*asked, "--db", db])
    assert result.exit_code == 0, result.output
    assert '"reasons"' in result.stdout and "phone" not in result.stdout


def test_nrm_trace_warns_of_a_person_named_as_a_suspect(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    family = Store.open(db)
    import_family(family, tmp_path)
    family.close()
    asked = ["trace", "--given", "Drissa", "--family", "Diarra", "--db", db]
    result = CliRunner().invoke(main, asked, env={"NRM_LANG": "fr"})
    assert result.exit_code == 0, result.output
    (first, warning, *_) = result.stdout.splitlines()
    assert "Drissa D." in first and "ATTENTION : une fiche cite cette personne" in warning


def test_nrm_trace_without_a_name_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["trace", "--village", "Sirakoro", "--db", str(tmp_path / "t.db")]
    )
    assert result.exit_code == 2


def test_the_answers_name_the_sought_person_and_every_person_confirmed(
    client: TestClient, store: Store
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    found = client.get("/tracing/requests/TR-5/matches", headers=headers).json()
    (sought,) = found["sought"]
    assert sought["record_id"] in found["sought_record_ids"] and sought["found"] is False
    person = found["matches"][0]["entity_id"]
    decided = client.post(
        f"/tracing/requests/TR-5/matches/{person}/decision",
        json={"decision": "confirmed"},
        headers=headers,
    )
    assert decided.status_code == 200
    (listed,) = [c for c in client.get("/tracing/requests", headers=headers).json()["items"]]
    assert listed["matched_entity_ids"] == [person] == [listed["matched_entity_id"]]
    assert [m["entity_id"] for m in listed["matched"]] == [person]


def test_a_search_with_a_field_the_contract_does_not_name_is_refused(
    client: TestClient, store: Store
) -> None:
    answer = client.post(
        "/tracing/search", json={**SOUGHT, "location": "x"}, headers=bearer(store, UserRole.ADMIN)
    )
    assert answer.status_code == 422


def test_an_age_range_counts_as_the_family_says_it(client: TestClient, store: Store) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)

    def best(age: int, age_max: int) -> dict:
        sought = {**SOUGHT, "age": age, "age_max": age_max}
        return client.post("/tracing/search", json=sought, headers=headers).json()[0]

    consistent, far = best(16, 18), best(30, 40)
    assert consistent["entity_id"] == far["entity_id"]
    assert consistent["score"] > far["score"]


@pytest.mark.parametrize("ages", [{"age": None, "age_max": 18}, {"age": 18, "age_max": 16}])
def test_an_age_max_alone_is_an_upper_bound_and_a_range_may_come_reversed(
    client: TestClient, store: Store, ages: dict
) -> None:
    headers = bearer(store, UserRole.TRACING_OFFICER)
    response = client.post("/tracing/search", json={**SOUGHT, **ages}, headers=headers)
    assert response.status_code == 200 and response.json()


def test_nrm_trace_reads_an_age_as_the_imports_do(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    family = Store.open(db)
    import_family(family, tmp_path)
    family.close()
    asked = ["trace", "--given", "Fatimata", "--family", "Diara", "--json", "--db", db]
    assert CliRunner().invoke(main, [*asked, "--age", "16-18 ans"]).exit_code == 0
    refused = CliRunner().invoke(main, [*asked, "--age", "vieux"])
    assert refused.exit_code == 2 and "vieux" in refused.output
