"""Writing many rows at once in the database's own bulk form: COPY on PostgreSQL, one
prepared statement run over every row on SQLite (no per-row SQL compiled)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Connection

SQLITE_CACHE_KB = {"main": 131_072, "temp": 65_536}
"""The page cache of an SQLite connection while it loads a file (the default is 2 MB)."""


def write_rows(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    uuids: bool = True,
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` inside the connection's
    transaction. UUIDs are written as SQLAlchemy's `Uuid` type stores them (32 hex
    characters on SQLite, native on PostgreSQL); `uuids=False` says the rows hold none
    (ids already as hex), and SQLite then takes them as they are."""
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
        statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        cursor.executemany(statement, map(_hex_ids, rows) if uuids else rows)
    finally:
        cursor.close()


def _hex_ids(row: Sequence[Any]) -> Sequence[Any]:
    """The row with its UUIDs as 32 hex digits; itself when it holds none (most rows of a
    load: they are looked for at C speed, not converted one value at a time)."""
    if uuid.UUID in map(type, row):
        return tuple(v.hex if isinstance(v, uuid.UUID) else v for v in row)
    return row


@contextmanager
def bulk_cache(connection: Connection) -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while a bulk load lasts, then the
    one it had. Merging a million staged records updates six indexes of person_records
    in random order: with 2 MB of cache each insert reads and writes index pages again
    (at 989,900 records the merge took 16.4 s with 2 MB and 12.2 s with these sizes; the
    system time of the whole import fell from 17 s to 6 s). PostgreSQL has its own
    shared buffers."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    assert raw is not None
    before = {s: raw.execute(f"PRAGMA {s}.cache_size").fetchone()[0] for s in SQLITE_CACHE_KB}
    for schema, kb in SQLITE_CACHE_KB.items():
        raw.execute(f"PRAGMA {schema}.cache_size = -{kb}")
    try:
        yield
    finally:
        for schema, size in before.items():
            raw.execute(f"PRAGMA {schema}.cache_size = {int(size)}")


def new_ids(count: int) -> list[str]:
    """`count` random UUIDs of version 4, as `uuid.uuid4()` makes them (16 bytes of the
    system's random source, with the version and variant bits set), as 32 hex digits,
    from one read of that source: a million `uuid.uuid4()` cost 2 s, these 0.2 s."""
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = raw.tobytes().hex()
    return [digits[start : start + 32] for start in range(0, 32 * count, 32)]
