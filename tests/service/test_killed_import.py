"""Killed while linking: `nrm import` killed (SIGKILL) once its rows are committed and
while it links them leaves every row stored and waiting for a person; the next command
links them, and the store is consistent, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fixtures.generate import main as generate
from models.store import Store
from models.tables import entities, person_records
from tests.conftest import _postgres_url, _schema_name

pytestmark = pytest.mark.slow
HOUSEHOLDS = 800
"""About 3,200 records: a link of a few seconds, wide enough to be killed in."""


def _url(store: Store, worker_id: str) -> str:
    """The store's database as a URL another process can open (PostgreSQL: its schema)."""
    if store.dialect == "sqlite":
        return str(store.engine.url.database)
    return f"{_postgres_url()}?options=-csearch_path%3D{_schema_name(worker_id)}"


def _nrm(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NRM_WORKERS": "1"},
    )


def _kill_while_linking(process: subprocess.Popen[str], store: Store, rows: int) -> None:
    """SIGKILL the import as soon as its rows are committed (it is linking then)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if store.count_records() == rows:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            return
        time.sleep(0.01)
    pytest.fail(f"the import ended before it could be killed: {process.communicate()}")


def _inconsistencies(store: Store) -> dict[str, int]:
    with store.engine.connect() as c:
        orphans = c.execute(
            select(func.count())
            .select_from(person_records)
            .where(
                person_records.c.entity_id.is_not(None),
                person_records.c.entity_id.not_in(select(entities.c.id)),
            )
        ).scalar_one()
    return {"pending": store.pending_records(), "records_of_no_entity": orphans}


def test_an_import_killed_while_linking_is_linked_by_the_next_command(
    store: Store, tmp_path: Path, worker_id: str
) -> None:
    generate(["--households", str(HOUSEHOLDS), "--out", str(tmp_path), "--jobs", "1"])
    records = tmp_path / "records.csv"
    rows = sum(1 for _ in records.open(encoding="utf-8")) - 1
    url = _url(store, worker_id)
    store.close()

    _kill_while_linking(_nrm("import", str(records), "--db", url), store, rows)
    assert store.count_records() == rows
    assert store.pending_records() > 0, "killed after linking: the test proves nothing"

    again = _nrm("import", str(records), "--json", "--db", url)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    summary = json.loads(out)
    assert (summary["new"], summary["unchanged"], summary["pending"]) == (0, rows, 0)
    assert store.count_records() == rows
    assert _inconsistencies(store) == {"pending": 0, "records_of_no_entity": 0}
