"""Protected values outside the named columns: unknown import columns (kept in `extra`)
reach only the need-to-know view unless declared safe; a declared list of protected
columns, French and English spellings, can never be declared safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from models.store import Store
from models.users import UserRole
from service.columns import extra_columns
from service.importing import import_records
from tests.conftest import write_csv

ROWS = (
    "record_id,source,full_name,telephone_tuteur,adresse_actuelle,commentaire,_uuid\n"
    "E-1,OIM,TRAORE Aminata,+223 70 11 22 33,Quartier Mali Bamako,vue au marché,uuid-1\n"
)


@pytest.mark.parametrize(
    "column",
    [
        "telephone",
        "Téléphone",
        "tel",
        "tel_mere",
        "phone2",
        "grp_contact/adresse_actuelle",
        "address",
        "_gps_latitude",
        "longitude",
        "localisation",
        "current_location",
        "WhatsApp",
        "e-mail",
        "courriel",
        "lieu_actuel",
    ],
)
def test_the_usual_spellings_of_contacts_and_places_are_protected(column: str) -> None:
    assert extra_columns().is_protected(column)


@pytest.mark.parametrize("column", ["commentaire", "hotel", "ethnie", "_uuid"])
def test_other_columns_are_not_protected(column: str) -> None:
    assert not extra_columns().is_protected(column)


def test_a_protected_column_cannot_be_declared_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NRM_SAFE_COLUMNS", "telephone,commentaire")
    columns = extra_columns()
    assert columns.is_safe("commentaire") and not columns.is_safe("telephone")


def test_more_columns_can_be_declared_protected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NRM_PROTECTED_COLUMNS", "nom_du_foyer")
    assert extra_columns().is_protected("Nom du foyer")


def _extra_as(store: Store, tmp_path: Path, role: UserRole, org: str | None) -> dict[str, str]:
    assert import_records(store, write_csv(tmp_path / "e.csv", ROWS)).ok
    record = store.list_records({"record_id": "E-1"}).items[0]
    _, token = store.add_user(f"{role}-{org}", role, org)
    client = TestClient(create_app(store))
    response = client.get(
        f"/records/{record.id}",
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "verify an identity"},
    )
    assert response.status_code == 200, response.text
    return response.json().get("extra", {})


def test_roles_without_need_see_only_safe_extra_columns(store: Store, tmp_path: Path) -> None:
    extra = _extra_as(store, tmp_path, UserRole.TRACING_OFFICER, "ONG-A")
    assert extra == {"_uuid": "uuid-1"}


def test_a_safe_declaration_shows_a_column(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NRM_SAFE_COLUMNS", "commentaire")
    extra = _extra_as(store, tmp_path, UserRole.REVIEWER, "OIM")
    assert extra == {"_uuid": "uuid-1", "commentaire": "vue au marché"}


def test_the_recording_caseworker_sees_every_extra_column(store: Store, tmp_path: Path) -> None:
    extra = _extra_as(store, tmp_path, UserRole.CASEWORKER, "OIM")
    assert extra["telephone_tuteur"] == "+223 70 11 22 33"
    assert extra["adresse_actuelle"] == "Quartier Mali Bamako"
