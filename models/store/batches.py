"""Statements over long lists of ids or keys, within each database's limits: cut into
batches on SQLite (its bound parameters are limited), one array on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY


def chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rows_among(
    c: Connection,
    columns: Sequence[ColumnElement[Any]],
    column: ColumnElement[Any],
    values: Sequence[Any],
    *where: ColumnElement[bool],
    size: int = 900,
) -> list[Row[Any]]:
    """The `columns` of the rows whose `column` is one of `values` (and `where`). On
    PostgreSQL the values go as one array: one statement text, planned once, instead of
    hundreds of parameters planned on every call; on SQLite in batches of `size`."""
    if not values:
        return []
    if c.dialect.name == "postgresql":
        among = bindparam("among", list(values), type_=ARRAY(column.type))
        return list(c.execute(select(*columns).where(column == any_(among), *where)))
    found: list[Row[Any]] = []
    for part in chunks(values, size):
        found.extend(c.execute(select(*columns).where(column.in_(part), *where)))
    return found


def driver_rows_among(
    c: Connection,
    query: str,
    column: str,
    values: Sequence[Any],
    params: Sequence[Any] = (),
    size: int = 900,
) -> list[tuple[Any, ...]]:
    """`rows_among` for a hot read of plain columns, through the driver's own cursor: no
    statement compiled, no row objects (reading a new record's candidates' prepared
    values spent more there than in the database). `query` is a SELECT whose WHERE holds
    `params` as `{}` placeholders; the rows whose `column` is one of `values` are added
    to it."""
    if not values:
        return []
    cursor = c.connection.dbapi_connection.cursor()
    try:
        if c.dialect.name == "postgresql":
            marks = ["%s"] * len(params)
            cursor.execute(f"{query.format(*marks)} AND {column} = ANY(%s)", [*params, values])
            return list(cursor.fetchall())
        found: list[tuple[Any, ...]] = []
        for part in chunks(values, size):
            among = ",".join("?" * len(part))
            cursor.execute(
                f"{query.format(*'?' * len(params))} AND {column} IN ({among})", [*params, *part]
            )
            found.extend(cursor.fetchall())
        return found
    finally:
        cursor.close()
