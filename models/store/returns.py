"""Caseworkers' decisions on a safe return: written once, never changed, found through any
record of the person they were made on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select

from models.store.base import Store
from models.tables import person_records, return_decision_records, return_decisions

__all__ = ["add_return_decision", "return_decisions_of"]


def add_return_decision(
    store: Store, row: dict[str, Any], records: Sequence[str]
) -> dict[str, Any]:
    """Write a decision (`row`: the columns but id, records and time) with the records of
    the person it was made on; the row as written."""
    written = {
        **row,
        "id": uuid.uuid4(),
        "records": sorted(records),
        "created_at": datetime.now(UTC),
    }
    with store.engine.begin() as c:
        c.execute(insert(return_decisions).values(**written))
        c.execute(
            insert(return_decision_records),
            [{"decision_id": written["id"], "record_id": uuid.UUID(r)} for r in records],
        )
    return written


def return_decisions_of(store: Store, person: str, limit: int = 20) -> list[dict[str, Any]]:
    """The decisions made on any record the person holds now, the latest first: an entity
    id, or ``record:<id>`` for a record of no person yet."""
    if person.startswith("record:"):
        holds = return_decision_records.c.record_id == uuid.UUID(person.removeprefix("record:"))
        ids = select(return_decision_records.c.decision_id).where(holds)
    else:
        ids = (
            select(return_decision_records.c.decision_id)
            .join(person_records, person_records.c.id == return_decision_records.c.record_id)
            .where(person_records.c.entity_id == uuid.UUID(person))
        )
    query = (
        select(return_decisions)
        .where(return_decisions.c.id.in_(ids))
        .order_by(return_decisions.c.created_at.desc(), return_decisions.c.id)
        .limit(limit)
    )
    with store.engine.connect() as c:
        return [_read(dict(r._mapping)) for r in c.execute(query)]


def _read(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row["review_by"], str):
        row["review_by"] = date.fromisoformat(row["review_by"])
    if row["created_at"].tzinfo is None:
        row["created_at"] = row["created_at"].replace(tzinfo=UTC)
    return row
