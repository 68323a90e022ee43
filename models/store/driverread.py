"""Reading many rows through the driver's own cursor, column by column: a relink reads
every stored record, and building SQLAlchemy's row objects took more of it than the
database (2 of 4 s at 247,000 records). On SQLite, the stored texts of ids, dates and
flags become the values SQLAlchemy would give; psycopg gives them as they are."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Integer, String, Table, Text, Uuid
from sqlalchemy.types import TypeEngine


def column_batches(
    c: Connection, table: Table, fields: Sequence[str], order: Sequence[str], batch: int
) -> Iterator[dict[str, list[Any]]]:
    """Every row's `fields` in `order`, `batch` rows at a time, each field's values a
    list (a server-side cursor on PostgreSQL: the rows are never all in memory)."""
    names = ", ".join(f'"{table.c[f].name}"' for f in fields)
    ordered = ", ".join(f'"{table.c[f].name}"' for f in order)
    sqlite = c.dialect.name == "sqlite"
    converters = [(k, _converter(table.c[f].type)) for k, f in enumerate(fields)] if sqlite else []
    raw = c.connection.dbapi_connection
    cursor = raw.cursor() if sqlite else raw.cursor(name=f"columns_{uuid.uuid4().hex}")
    try:
        cursor.execute(f"SELECT {names} FROM {table.name} ORDER BY {ordered}")
        while rows := cursor.fetchmany(batch):
            columns = [list(values) for values in zip(*rows, strict=True)]
            for k, convert in converters:
                if convert is not None:
                    columns[k] = [None if v is None else convert(v) for v in columns[k]]
            yield dict(zip(fields, columns, strict=True))
    finally:
        cursor.close()


def _converter(kind: TypeEngine[Any]) -> Callable[[Any], Any] | None:
    """How a value SQLite stores for a column of this type becomes the value SQLAlchemy
    gives (None: as stored)."""
    if isinstance(kind, Uuid):
        return _uuid
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, String | Text | Integer):
        return None
    raise TypeError(f"no reading through the driver for a column of type {kind!r}")


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(hex=value)
