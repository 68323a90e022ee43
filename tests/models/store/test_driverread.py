"""Rows read through the driver's cursor (`models/store/driverread.py`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.demo import DEMO_DIR
from models.store.driverread import column_batches
from models.tables import entities, person_records
from service import Service
from service.pairs import MATCH_FIELDS


def test_the_records_read_through_the_driver_are_those_sqlalchemy_reads(store) -> None:
    assert Service(store).import_file(DEMO_DIR / "records.csv").ok
    order = ("source", "record_id")
    with store.engine.connect() as c:
        query = select(*(person_records.c[f] for f in MATCH_FIELDS))
        expected = [tuple(r) for r in c.execute(query.order_by(*order))]
        batches = list(column_batches(c, person_records, MATCH_FIELDS, order, batch=7))
    read = [row for b in batches for row in zip(*(b[f] for f in MATCH_FIELDS), strict=True)]
    assert read == expected
    kinds = [{type(v) for v in column if v is not None} for column in zip(*expected, strict=True)]
    assert kinds == [
        {type(v) for v in column if v is not None} for column in zip(*read, strict=True)
    ]
    assert all(len(b["id"]) <= 7 for b in batches)


def test_a_column_of_a_type_it_cannot_convert_is_refused(sqlite_store) -> None:
    with sqlite_store.engine.connect() as c, pytest.raises(TypeError):
        list(column_batches(c, entities, ("created_at",), ("created_at",), batch=1))
