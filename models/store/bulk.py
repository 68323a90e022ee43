"""Writing many rows at once in the database's own bulk form: COPY on PostgreSQL, one
prepared statement run over every row on SQLite (no per-row SQL compiled)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection


def write_rows(
    connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` inside the connection's
    transaction. UUIDs are written as SQLAlchemy's `Uuid` type stores them (32 hex
    characters on SQLite, native on PostgreSQL)."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            (tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row) for row in rows),
        )
    finally:
        cursor.close()
