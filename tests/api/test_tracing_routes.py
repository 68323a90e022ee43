"""GET /entities/{id}/relatives: who may ask, what is never shown, what is flagged."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from models.store import Store
from models.users import UserRole
from tests.api.conftest import bearer
from tests.service.family import import_family

PROTECTED = ("phone", "current_location")


@pytest.fixture
def client(store: Store, tmp_path: Path) -> TestClient:
    import_family(store, tmp_path)
    return TestClient(create_app(store))


def _entity(store: Store, record_id: str) -> uuid.UUID:
    (record,) = store.find_record(record_id)
    assert record.entity_id is not None
    return record.entity_id


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (UserRole.ADMIN, 200),
        (UserRole.CASEWORKER, 200),
        (UserRole.TRACING_OFFICER, 200),
        (UserRole.REVIEWER, 403),
    ],
)
def test_who_may_read_relatives(
    client: TestClient, store: Store, role: UserRole, status: int
) -> None:
    url = f"/entities/{_entity(store, 'B-1')}/relatives"
    assert client.get(url, headers=bearer(store, role)).status_code == status


def test_no_phone_or_location_of_anyone_is_shown(client: TestClient, store: Store) -> None:
    for role, org in ((UserRole.TRACING_OFFICER, None), (UserRole.CASEWORKER, "ENDA")):
        response = client.get(
            f"/entities/{_entity(store, 'B-1')}/relatives", headers=bearer(store, role, org)
        )
        text = response.text
        assert response.status_code == 200
        assert not any(f'"{key}"' in text for key in PROTECTED)
        assert "+223" not in text and "Foyer" not in text and "Centre" not in text


def test_a_suspect_relative_is_flagged(client: TestClient, store: Store) -> None:
    response = client.get(
        f"/entities/{_entity(store, 'V-1')}/relatives",
        headers=bearer(store, UserRole.TRACING_OFFICER),
    )
    (uncle,) = [hit for hit in response.json() if hit["record_id"] == "U-1"]
    assert uncle["flags"] == ["suspect"]
    assert uncle["reasons"][0].startswith("ATTENTION")


def test_reasons_follow_the_language_asked(client: TestClient, store: Store) -> None:
    response = client.get(
        f"/entities/{_entity(store, 'B-1')}/relatives",
        headers={**bearer(store, UserRole.ADMIN), "Accept-Language": "en"},
    )
    mother = next(hit for hit in response.json() if hit["relation"] == "mother")
    assert "declared: mother" in mother["reasons"]


def test_an_unknown_entity_is_404(client: TestClient, store: Store) -> None:
    response = client.get(
        f"/entities/{uuid.uuid4()}/relatives", headers=bearer(store, UserRole.ADMIN)
    )
    assert response.status_code == 404


def test_the_read_is_audited_with_its_purpose(client: TestClient, store: Store) -> None:
    client.get(
        f"/entities/{_entity(store, 'B-1')}/relatives",
        headers={**bearer(store, UserRole.TRACING_OFFICER), "X-Purpose": "demande RFL 12"},
    )
    rows, _ = store.audit_rows({"action": "read_relatives"})
    assert rows[0]["purpose"] == "demande RFL 12"
    assert rows[0]["role"] == "tracing_officer"


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_nrm_relatives_json_prints_only_the_contract_list(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    code, out, _ = _cli("relatives", "B-1", "--json", "--db", db)
    assert code == 0
    found = json.loads(out)
    assert {hit["record_id"]: hit["relation"] for hit in found}["M-1"] == "mother"


def test_nrm_relatives_of_an_unknown_record_exits_2(tmp_path: Path) -> None:
    code, _, err = _cli("relatives", "NOPE", "--db", str(tmp_path / "cli.db"))
    assert code == 2
    assert "NOPE" in err


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (UserRole.ADMIN, 200),
        (UserRole.CASEWORKER, 200),
        (UserRole.TRACING_OFFICER, 403),
        (UserRole.REVIEWER, 403),
    ],
)
def test_who_may_read_an_assessment(
    client: TestClient, store: Store, role: UserRole, status: int
) -> None:
    url = f"/entities/{_entity(store, 'B-1')}/assessment"
    assert client.get(url, headers=bearer(store, role, "ENDA")).status_code == status


def test_another_organisations_caseworker_states_why_they_assess(
    client: TestClient, store: Store
) -> None:
    url = f"/entities/{_entity(store, 'B-1')}/assessment"
    headers = bearer(store, UserRole.CASEWORKER, "OIM")
    refused = client.get(url, headers=headers)
    assert refused.status_code == 403 and "X-Purpose" in refused.json()["detail"]
    purpose = "return planned from Libya: verify the family first"
    assert client.get(url, headers={**headers, "X-Purpose": purpose}).status_code == 200
    rows, _ = store.audit_rows({"action": "read_assessment"})
    assert [r["purpose"] for r in rows] == [purpose]


def test_an_assessment_is_advisory_never_safe_and_shows_no_contact(
    client: TestClient, store: Store
) -> None:
    response = client.get(
        f"/entities/{_entity(store, 'V-1')}/assessment",
        headers=bearer(store, UserRole.CASEWORKER, "ENDA"),
    )
    body = response.json()
    assert body["advisory"] is True
    assert body["status"] == "risk"
    assert {f["status"] for f in body["factors"]} <= {"risk", "no_known_risk", "unknown"}
    family = next(f for f in body["factors"] if f["factor"] == "family_involvement")
    assert family["status"] == "risk" and family["evidence"] == ["U-1"]
    assert "+223" not in response.text and "Centre" not in response.text
    rows, _ = store.audit_rows({"action": "read_assessment"})
    assert len(rows) == 1


def test_nrm_assess_json(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    import_family(Store.open(db), tmp_path)
    code, out, _ = _cli("assess", "V-1", "--json", "--db", db)
    assert code == 0
    assert json.loads(out)["status"] == "risk"
    assert _cli("assess", "NOPE", "--db", db)[0] == 2


def test_flags_are_for_caseworkers_and_tracing_officers(client: TestClient, store: Store) -> None:
    response = client.get("/flags", headers=bearer(store, UserRole.TRACING_OFFICER))
    assert response.status_code == 200
    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert client.get("/flags", headers=bearer(store, UserRole.REVIEWER)).status_code == 403
    rows, _ = store.audit_rows({"action": "read_flags"})
    assert len(rows) == 1


def test_a_purpose_in_french_is_kept_as_written(client: TestClient, store: Store) -> None:
    url = f"/entities/{_entity(store, 'B-1')}/assessment"
    purpose = "vérification du retour prévu à Kati"
    headers = {**bearer(store, UserRole.CASEWORKER, "OIM"), "X-Purpose": purpose.encode()}
    assert client.get(url, headers=headers).status_code == 200
    rows, _ = store.audit_rows({"action": "read_assessment"})
    assert [r["purpose"] for r in rows] == [purpose]


def test_each_factor_names_its_records_with_their_organisation(
    client: TestClient, store: Store
) -> None:
    body = client.get(
        f"/entities/{_entity(store, 'V-1')}/assessment",
        headers=bearer(store, UserRole.CASEWORKER, "ENDA"),
    ).json()
    family = next(f for f in body["factors"] if f["factor"] == "family_involvement")
    assert family["records"] == [{"source": "DNPEF", "record_id": "U-1"}]
    for factor in body["factors"]:
        assert sorted({r["record_id"] for r in factor["records"]}) == factor["evidence"]
