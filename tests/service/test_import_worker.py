"""A large records file is read and validated in a worker process: the same records,
the same errors, nothing written when a row is bad. On both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.store import Store
from service.importing import import_records
from tests.conftest import write_csv
from tests.service.test_importing import GOOD


@pytest.fixture(autouse=True)
def every_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("service.importing.WORKER_BYTES", 0)


def test_a_file_read_in_a_worker_loads_every_row(store: Store, tmp_path: Path) -> None:
    report = import_records(store, write_csv(tmp_path / "good.csv", GOOD))
    assert report.ok, report.errors
    assert report.counts is not None and report.counts.new == 3
    record = store.find_record("GOV-2", "DNPEF")[0]
    assert (record.full_name, record.sex, record.age) == ("COULIBALY Moussa", "M", 35)


def test_a_bad_row_found_in_a_worker_is_named_and_nothing_is_written(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "date.csv", GOOD.replace("01/01/2004", "32/13/1999"))
    report = import_records(store, path, strict=True)
    assert report.errors == ['row 4, birth_date: cannot read "32/13/1999"']
    assert store.count_records() == 0


def test_a_file_a_worker_cannot_read_is_refused_in_the_reader_s_language(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "nocol.csv", GOOD.replace("record_id,", "id,"))
    report = import_records(store, path)
    assert report.errors == ["nocol.csv: missing required column: record_id"]
    assert report.as_dict("fr")["errors"] != report.errors
    assert store.count_records() == 0
