"""Caseworkers' decisions on a safe return: written once, never changed, found through any
record of the person they were made on. Writers take turns (`models.store.serial`), so
of two caseworkers deciding on the same reading, the second finds the first's decision
and is refused."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from models.store.base import Store
from models.store.serial import RETURN_LOCK, serialised
from models.store.stamps import in_utc
from models.tables import person_records, return_decision_records, return_decisions

__all__ = ["DecidedMeanwhile", "add_return_decision", "return_decisions_of", "returns_due"]


class DecidedMeanwhile(Exception):
    """Another decision was recorded on the person since the one the caller read."""


def add_return_decision(
    store: Store, row: dict[str, Any], records: Sequence[str], latest: uuid.UUID | None
) -> dict[str, Any]:
    """Write a decision (`row`: the columns but id, records and time) with the records of
    the person it was made on, if the person's latest decision is still `latest`; the
    row as written. Raises DecidedMeanwhile otherwise."""
    written = {
        **row,
        "id": uuid.uuid4(),
        "records": sorted(records),
        "created_at": datetime.now(UTC),
    }
    with serialised(store.engine, RETURN_LOCK) as connection:
        now = _decisions(connection, row["person"])
        if (now[0]["id"] if now else None) != latest:
            raise DecidedMeanwhile("another decision was recorded on this person meanwhile")
        connection.execute(insert(return_decisions).values(**written))
        connection.execute(
            insert(return_decision_records),
            [{"decision_id": written["id"], "record_id": uuid.UUID(r)} for r in records],
        )
    return written


def return_decisions_of(store: Store, person: str) -> list[dict[str, Any]]:
    """Every decision made on any record the person holds now, the latest first: an
    entity id, or ``record:<id>`` for a record of no person yet."""
    with store.engine.connect() as c:
        return _decisions(c, person)


def _decisions(c: Connection, person: str) -> list[dict[str, Any]]:
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
    )
    return [_read(dict(r._mapping)) for r in c.execute(query)]


def _read(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row["review_by"], str):
        row["review_by"] = date.fromisoformat(row["review_by"])
    return in_utc(row, ("created_at",))


def returns_due(
    store: Store, today: date, organisation: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The latest decision on each person (entity) that is due for review on `today` or
    was due before, the most overdue first, and how many there are; `organisation`: only
    decisions its caseworkers made (None: every one)."""
    held = (
        select(
            person_records.c.entity_id,
            return_decisions.c.id.label("decision_id"),
            return_decisions.c.decision,
            return_decisions.c.review_by,
            return_decisions.c.organisation,
            return_decisions.c.created_at,
        )
        .select_from(
            return_decisions.join(
                return_decision_records,
                return_decision_records.c.decision_id == return_decisions.c.id,
            ).join(person_records, person_records.c.id == return_decision_records.c.record_id)
        )
        .where(person_records.c.entity_id.is_not(None))
        .distinct()
        .subquery()
    )
    ranked = select(
        held,
        func.row_number()
        .over(
            partition_by=held.c.entity_id,
            order_by=(held.c.created_at.desc(), held.c.decision_id),
        )
        .label("rank"),
    ).subquery()
    due = select(ranked).where(ranked.c.rank == 1, ranked.c.review_by <= today)
    if organisation is not None:
        due = due.where(ranked.c.organisation == organisation)
    listed = due.subquery()
    with store.engine.connect() as c:
        total = c.execute(select(func.count()).select_from(listed)).scalar_one()
        rows = c.execute(
            select(listed)
            .order_by(listed.c.review_by, listed.c.entity_id)
            .limit(limit)
            .offset(offset)
        )
        return [_read(dict(r._mapping)) for r in rows], total
