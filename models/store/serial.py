"""Serialised read-check-write transactions: writers of one kind take turns, `BEGIN
IMMEDIATE` on SQLite (the write lock at once, so a concurrent writer waits instead of
failing when this transaction, having read, starts writing) and a transaction-level
advisory lock on PostgreSQL. The lock keys are listed here, so that no two kinds share
one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, func, select

REVIEW_LOCK = 7_340_112
"""Review decisions."""
GRAPH_LOCK = 7_340_113
"""Writers of the family graph."""
RETURN_LOCK = 7_340_114
"""Decisions on a safe return."""
TRACING_LOCK = 7_340_115
"""Decisions on a tracing request's potential matches."""


@contextmanager
def serialised(engine: Engine, lock: int) -> Iterator[Connection]:
    """A transaction of the writers of `lock`, committed when the block ends without
    error; the next one of them starts after it."""
    connection = engine.connect().execution_options(immediate=True)
    with connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(lock)))
        yield connection
