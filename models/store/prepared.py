"""Prepared values (`matching.prepared`): read by key, added where missing, made those of
the whole population by a relink, emptied when the code prepares values otherwise."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from models.store.batches import chunks, driver_rows_among
from models.store.bulk import bulk_cache, write_rows
from models.store.settings import read_setting, write_setting
from models.tables import prepared_values

PREPARED_VERSION = "prepared_values_version"
KEYS_PER_READ = 500
"""Keys read in one statement (well under SQLite's 32,766 variables)."""


class PreparedRows(Protocol):
    """A population's prepared values, encoded only when asked for."""

    def keys(self) -> Collection[tuple[str, str]]:
        """Every value's (kind, key)."""
        ...

    def rows(self, keys: Iterable[tuple[str, str]] | None = None) -> Iterator[tuple[str, str, str]]:
        """(kind, key, value) rows of these keys (None: of every value)."""
        ...


def read_prepared(c: Connection, kind: str, keys: Sequence[str]) -> list[tuple[str, str]]:
    """(key, value) of the stored values of `kind` among `keys`
    (`batches.driver_rows_among`: one array on PostgreSQL, batches of `KEYS_PER_READ` on
    SQLite)."""
    query = f'SELECT "key", value FROM {prepared_values.name} WHERE kind = {{}}'
    rows = driver_rows_among(c, query, '"key"', list(keys), (kind,), size=KEYS_PER_READ)
    return [(key, value) for key, value in rows]


def add_prepared(c: Connection, rows: Sequence[tuple[str, str, str]], version: str) -> None:
    """Store (kind, key, value) rows prepared by a code of `version`, leaving any already
    stored (another import may have stored the same value meanwhile); none when the
    store's values are of another version now (a newer code dropped them meanwhile). In
    key order, so that two imports adding the same values wait for each other instead
    of locking each other out."""
    if not rows:
        return
    if c.dialect.name == "postgresql":  # a relink's or a new code's change ends first
        c.exec_driver_sql("LOCK TABLE prepared_values IN ROW EXCLUSIVE MODE")
    if read_setting(c, PREPARED_VERSION) != version:
        return
    rows = sorted(rows)
    dialect = postgresql if c.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(prepared_values).on_conflict_do_nothing()
    c.execute(statement, [{"kind": k, "key": key, "value": v} for k, key, v in rows])


class PreparedStore:
    """Mixin of `Store`: the prepared values kept beside the records."""

    engine: Engine

    def prepared(self, kind: str, keys: Sequence[str]) -> list[tuple[str, str]]:
        with self.engine.connect() as c:
            return read_prepared(c, kind, keys)

    def replace_prepared(self, values: PreparedRows, version: str) -> None:
        """The stored values become those of `values`, prepared by a code of `version`, in
        one transaction. Where the store holds values of that version, only those it
        lacks are written and those no longer wanted dropped (a key is a digest of what
        the value is prepared from: a stored value of the same key and version is the
        same; a relink of an unchanged million records wrote its 650,000 values again in
        9 s); else every value is replaced."""
        columns = ("kind", "key", "value")
        with _locked(self.engine) as c, bulk_cache(c):
            if read_setting(c, PREPARED_VERSION) != version:
                c.execute(delete(prepared_values))
                write_rows(c, prepared_values.name, columns, values.rows(), uuids=False)
                write_setting(c, PREPARED_VERSION, version)
                return
            table = prepared_values
            stored = {(kind, key) for kind, key in c.execute(select(table.c.kind, table.c.key))}
            wanted = values.keys()
            stale: dict[str, list[str]] = {}
            for kind, key in stored.difference(wanted):
                stale.setdefault(kind, []).append(key)
            for kind, keys in sorted(stale.items()):
                for part in chunks(sorted(keys), KEYS_PER_READ):
                    c.execute(delete(table).where(table.c.kind == kind, table.c.key.in_(part)))
            missing = sorted(key for key in wanted if key not in stored)
            del stored
            write_rows(c, table.name, columns, values.rows(missing), uuids=False)

    def forget_prepared(self, version: str) -> None:
        """Every stored value dropped: the code of `version` prepares them otherwise."""
        with _locked(self.engine) as c:
            c.execute(delete(prepared_values))
            write_setting(c, PREPARED_VERSION, version)


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A transaction in which no import adds values (nor another relink replaces them)
    until it ends: on PostgreSQL the table locked against writers (COPY cannot skip a
    value an import stored meanwhile; an import reads the version only once the lock is
    let go); on SQLite the write lock taken at BEGIN (`immediate`), before the version
    and the stored keys are read: a write after a read whose snapshot another writer
    has made stale fails at once instead of waiting."""
    with engine.connect().execution_options(immediate=True) as c, c.begin():
        if c.dialect.name == "postgresql":
            c.exec_driver_sql("LOCK TABLE prepared_values IN SHARE ROW EXCLUSIVE MODE")
        yield c
