"""An import merges its staged rows in one transaction (`models/store/importing.py`), on
SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from models.store import Store
from models.store.importing import staging_rows
from models.validation import validate_record
from tests.models.store.people import ROWS, ids, load


def test_a_first_import_counts_every_row_new(store: Store) -> None:
    counts = load(store)
    assert (counts.new, counts.changed, counts.unchanged) == (len(ROWS), 0, 0)


def test_the_same_rows_again_are_unchanged(store: Store) -> None:
    load(store)
    counts = load(store)
    assert (counts.new, counts.changed, counts.unchanged) == (0, 0, len(ROWS))


def test_a_row_with_a_new_value_is_changed_in_place(store: Store) -> None:
    load(store)
    before = ids(store)
    edited = ({**ROWS[0], "origin_region": "Ségou"}, *ROWS[1:])
    counts = load(store, edited)
    assert (counts.new, counts.changed) == (0, 1)
    record = store.get_record(before["A-1"])
    assert record is not None and record.origin_region == "Ségou"


def test_relations_join_the_stored_records(store: Store) -> None:
    counts = load(store, relations=(("A-1", "mother", "K-1"),))
    wanted = ids(store)
    [relation] = store.relations_of([wanted["K-1"]])
    assert counts.relations == 1
    assert (relation.record_id, relation.relation, relation.related_record_id) == (
        wanted["A-1"],
        "mother",
        wanted["K-1"],
    )


def test_an_import_that_fails_before_finishing_writes_nothing(store: Store) -> None:
    value, errors = validate_record(ROWS[0], 2)
    assert value is not None, errors
    with pytest.raises(RuntimeError), store.importing("broken.csv") as writer:
        writer.add_records([value])
        raise RuntimeError("the file broke off")
    assert store.count_records() == 0


def test_the_organisations_and_cases_of_an_import_are_recorded(store: Store) -> None:
    load(store)
    counts = store.counts()
    assert (counts["organisations"], counts["cases"]) == (2, len(ROWS))


def test_the_digest_of_a_record_is_the_one_earlier_versions_stored() -> None:
    """A file imported by an earlier version and imported again reads as unchanged."""
    raw = {
        "record_id": "R1",
        "source": "OIM",
        "full_name": "TRAORE Aminata",
        "registered_on": "2021-06-01",
        "age": "15",
        "sex": "F",
        "commentaire": "vue à Kayes",
        "case_id": "C1",
        "case_type": "return",
    }
    values, _ = validate_record(raw, 2, today=date(2022, 1, 1))
    assert values is not None
    [row] = staging_rows({name: [values[name]] for name in values})
    assert row[-1] == "a5a611d0d6f8d24dab551a15a8efa37a"
    assert uuid.UUID(hex=row[0]).version == 4
