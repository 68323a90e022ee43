"""Prepared values kept in the store: a new record's candidates are not parsed again."""

import csv
import random
import string
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, func, insert, select, update

from matching import columns as columns_module
from matching.columns import build_columns
from matching.pipeline import match_new
from matching.prepared import NAME, PreparedValues, key_digest, prepared_version
from models.store import Store
from models.store.prepared import PREPARED_VERSION
from models.tables import person_records, prepared_values
from service import Service
from service.linking import MATCH_FIELDS
from service.prepared import DigestedValues, StoredPrepared
from service.registry import active_model
from service.relinking import relink_all
from tests.conftest import generated_in_two_files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A small generated population in two imports: the first 300 rows, then 40 more."""
    return generated_in_two_files(tmp_path_factory.mktemp("prepared"), seed=8, second=40)


def _stored_keys(store: Store, kind: str) -> set[str]:
    with store.engine.connect() as c:
        query = select(prepared_values.c.key).where(prepared_values.c.kind == kind)
        return set(c.execute(query).scalars())


def _name_keys(store: Store, source_ids: set[str] | None = None) -> set[str]:
    """The name keys this code prepares for the stored records (or some of them)."""
    with store.engine.connect() as c:
        rows = [
            dict(r._mapping)
            for r in c.execute(
                select(*(person_records.c[f] for f in MATCH_FIELDS), person_records.c.record_id)
            )
        ]
    if source_ids is not None:
        rows = [r for r in rows if r["record_id"] in source_ids]
    collected = PreparedValues()
    build_columns(rows, prepared=collected)
    return {key_digest(k) for k in collected.learned[NAME]}


def test_linking_the_whole_population_stores_every_name_prepared(store, files):
    Service(store).import_file(files[0])
    assert _stored_keys(store, NAME) == _name_keys(store)
    assert store.setting(PREPARED_VERSION) == prepared_version()


def test_an_import_parses_its_own_names_and_reads_its_candidates_prepared(
    store, files, monkeypatch
):
    service = Service(store)
    service.import_file(files[0])
    parsed: list[tuple] = []
    real = columns_module.name_values

    def counting(raw):
        parsed.append(raw)
        return real(raw)

    monkeypatch.setattr(columns_module, "name_values", counting)
    report = service.import_file(files[1])
    assert report.ok and report.linked is not None
    assert report.linked["mode"] == "incremental"
    assert report.linked["candidates"] > 0
    new_ids = {line.split(",")[0] for line in files[1].read_text(encoding="utf-8").splitlines()[1:]}
    new_keys = _name_keys(store, new_ids)
    assert {key_digest(raw) for raw in parsed} <= new_keys
    assert new_keys <= _stored_keys(store, NAME)


def test_values_prepared_by_another_code_are_dropped_before_the_next_link(store, files):
    service = Service(store)
    service.import_file(files[0])
    with store.engine.begin() as c:
        c.execute(insert(prepared_values).values(kind=NAME, key='["old"]', value="[]"))
    store.set_setting(PREPARED_VERSION, "prepared-0-older")
    service.import_file(files[1])
    assert '["old"]' not in _stored_keys(store, NAME)
    assert store.setting(PREPARED_VERSION) == prepared_version()
    with store.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(prepared_values)).scalar() > 0


def test_candidates_read_prepared_score_as_candidates_parsed(store, files):
    Service(store).import_file(files[0])
    with store.engine.connect() as c:
        query = select(*(person_records.c[f] for f in MATCH_FIELDS))
        rows = [dict(r._mapping) for r in c.execute(query)]
    new, candidates = rows[:1], rows[1:]
    model = active_model(store)
    parsed = match_new(new, candidates, model)
    read = match_new(new, candidates, model, prepared=StoredPrepared(store.prepared))
    assert np.array_equal(read[3].levels, parsed[3].levels)
    assert np.array_equal(read[3].probability, parsed[3].probability)


def test_a_name_longer_than_an_index_entry_is_prepared_and_stored(store, files, tmp_path):
    """A cell may hold 10,000 characters; PostgreSQL indexes at most about 2,700 bytes."""
    rows = list(csv.DictReader(files[0].open(encoding="utf-8")))
    rows[0]["full_name"] = " ".join(
        "".join(random.Random(k).choices(string.ascii_letters, k=9)) for k in range(900)
    )
    long_file = tmp_path / "long.csv"
    with long_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = Service(store).import_file(long_file)
    assert report.ok and report.linked is not None
    assert _stored_keys(store, NAME) == _name_keys(store)


def _all_values(store: Store) -> set[tuple[str, str, str]]:
    with store.engine.connect() as c:
        table = prepared_values
        return {tuple(r) for r in c.execute(select(table.c.kind, table.c.key, table.c.value))}


def test_a_relink_of_an_unchanged_population_writes_no_value_again(store, files, monkeypatch):
    Service(store).import_file(files[0])
    before = _all_values(store)
    written: list[tuple[str, str, str]] = []
    rows = DigestedValues.rows

    def spied(self, keys=None):
        for row in rows(self, keys):
            written.append(row)
            yield row

    monkeypatch.setattr(DigestedValues, "rows", spied)
    relink_all(store)
    assert written == []
    assert _all_values(store) == before


def test_a_relink_keeps_only_the_values_of_the_records_stored(store, files):
    Service(store).import_file(files[0])
    with store.engine.begin() as c:
        c.execute(update(person_records).values(full_name="Oumou TOGOLA", given_names=None))
    relink_all(store)
    assert _stored_keys(store, NAME) == _name_keys(store)
    with store.engine.begin() as c:
        c.execute(delete(prepared_values).where(prepared_values.c.kind == NAME))
    relink_all(store)
    assert _stored_keys(store, NAME) == _name_keys(store)
