"""Rows as the store returns them: times in UTC (SQLite hands them back naive), a person
record and a user built from their rows, and records read by id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from models.records import PersonRecord
from models.store.batches import chunks
from models.tables import person_records
from models.users import User


def utc(moment: datetime) -> datetime:
    """`moment` in UTC: the store writes UTC, and SQLite reads it back without a zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_utc(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """`values` with each of the times `names` (where set) in UTC."""
    for name in names:
        if values.get(name) is not None:
            values[name] = utc(values[name])
    return values


def person_record(row: Any) -> PersonRecord:
    """A person record from its row (its digest and import id left out)."""
    values = {k: row[k] for k in row if k not in ("content_hash", "import_id")}
    return PersonRecord.model_validate(in_utc(values, ("imported_at", "updated_at")))


def user_of(row: Any) -> User:
    """A user from its row, without its token hash."""
    values = {k: v for k, v in dict(row).items() if k != "token_hash"}
    return User(**in_utc(values, ("created_at", "revoked_at", "expires_at", "last_used_at")))


def records_by_ids_on(c: Connection, ids: Iterable[Any]) -> list[PersonRecord]:
    """The stored records of these ids, on `c` (in no particular order; an id not stored
    is left out)."""
    found: list[PersonRecord] = []
    for chunk in chunks(list(ids)):
        rows = c.execute(select(person_records).where(person_records.c.id.in_(chunk)))
        found.extend(person_record(r._mapping) for r in rows)
    return found
