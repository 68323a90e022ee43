"""`nrm report` / GET /reports/summary over a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from models.store import Store
from models.users import UserRole
from service import Actor, Service
from service.reports import report_csv
from tests.conftest import write_csv

ACTOR = Actor.operator("test")
HEADER = "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_region\n"


def _rows() -> str:
    """Six girls identified by one organisation and followed by another (twelve files),
    and a suspect."""
    lines = []
    for k, name in enumerate(("Awa", "Mariam", "Kadiatou", "Oumou", "Fanta", "Salimata")):
        lines.append(f"I-{k},OIM,ID-{k},identification,victim,{name} DIARRA,F,2008,Mopti\n")
        lines.append(f"R-{k},ENDA,RE-{k},reintegration,beneficiary,{name} Diarra,F,2008,Mopti\n")
    lines.append("U-1,OIM,ID-0,identification,suspect,Drissa TRAORE,M,1975,Mopti\n")
    return HEADER + "".join(lines)


@pytest.fixture
def stored(store: Store, tmp_path: Path) -> Store:
    assert Service(store).import_file(write_csv(tmp_path / "r.csv", _rows())).ok
    return store


def test_people_are_counted_not_files(stored: Store) -> None:
    summary = Service(stored).report(ACTOR)
    linked = {r.entity_id for r in stored.list_records({}, limit=200).items if r.role != "suspect"}
    assert summary["persons"] == len(linked) < summary["records"] == 12
    assert summary["files_per_person"] > 1
    organisations = {c["value"]: c for c in summary["by"]["organisation"]}
    assert organisations["OIM"]["persons"] == 6 and organisations["ENDA"]["persons"] == 6


def test_the_report_is_audited(stored: Store) -> None:
    Service(stored).report(ACTOR)
    rows, _ = stored.audit_rows({"action": "read_report"})
    assert len(rows) == 1 and rows[0]["detail"]["records"] == 12


def test_the_csv_carries_an_hxl_row_and_no_name(stored: Store) -> None:
    text = report_csv(Service(stored).report(ACTOR))
    header, hxl, *rows = list(csv.reader(text.splitlines()))
    assert header[:3] == ["dimension", "value", "persons"]
    assert ["organisation", "OIM", "6"] in [row[:3] for row in rows]
    assert all(tag.startswith("#") for tag in hxl) and "#affected+persons" in hxl
    assert "Diarra" not in text and "DIARRA" not in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (UserRole.ADMIN, 200),
        (UserRole.CASEWORKER, 200),
        (UserRole.TRACING_OFFICER, 403),
        (UserRole.REVIEWER, 403),
    ],
)
def test_who_may_read_the_summary(stored: Store, role: UserRole, status: int) -> None:
    _, token = stored.add_user(f"u-{role.value}", role)
    response = TestClient(create_app(stored)).get(
        "/reports/summary", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == status


def test_nrm_report_writes_the_csv(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    runner = CliRunner()
    records = write_csv(tmp_path / "r.csv", _rows())
    assert runner.invoke(main, ["import", str(records), "--db", db]).exit_code == 0
    command = ["--lang", "en", "report", "--csv", str(tmp_path / "out.csv"), "--db", db]
    result = runner.invoke(main, command)
    assert result.exit_code == 0, result.output
    assert "persons in 12 records" in result.stdout
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("#")
