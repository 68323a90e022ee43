"""Bulk writing helpers: ids made many at a time, and SQLite's page cache during a load."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection

from models.store import Store
from models.store.bulk import SQLITE_CACHE_KB, bulk_cache, new_ids


def test_new_ids_are_distinct_random_uuids_of_version_4() -> None:
    ids = new_ids(10_000)
    parsed = [uuid.UUID(hex=i) for i in ids]
    assert len(set(ids)) == len(ids)
    assert {(u.version, u.variant) for u in parsed} == {(4, uuid.RFC_4122)}
    assert [u.hex for u in parsed] == ids


def test_a_bulk_load_leaves_the_connection_with_the_cache_it_had(store: Store) -> None:
    def cache(connection: Connection) -> int | None:
        if connection.dialect.name != "sqlite":
            return None  # PostgreSQL's buffers are the server's
        raw = connection.connection.dbapi_connection
        assert raw is not None
        return raw.execute("PRAGMA cache_size").fetchone()[0]

    with store.engine.connect() as connection:
        before = cache(connection)
        with bulk_cache(connection):
            during = cache(connection)
        assert cache(connection) == before
    assert during in (None, -SQLITE_CACHE_KB["main"])
