"""Settings the store keeps about itself, reading every record's matching fields as a
stream, and rebuilding every stored blocking key."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
)

from models.store.bulk import bulk_cache, write_rows
from models.store.driverread import column_batches
from models.store.linking import replace_keys
from models.store.settings import read_setting, write_setting
from models.tables import blocking_keys, keyed_records, person_records

KEYS_VERSION = "blocking_keys_version"


class KeysStore:
    """Mixin of `Store`: settings, and the stored keys as one streamed rebuild."""

    engine: Engine

    def setting(self, name: str) -> str | None:
        with self.engine.connect() as c:
            return read_setting(c, name)

    def set_setting(self, name: str, value: str) -> None:
        with self.engine.begin() as c:
            write_setting(c, name, value)

    def has_blocking_keys(self) -> bool:
        with self.engine.connect() as c:
            return c.execute(select(blocking_keys.c.key).limit(1)).first() is not None

    def iter_link_columns(
        self, fields: Sequence[str], batch: int = 20_000
    ) -> Iterator[dict[str, list[Any]]]:
        """Every record's `fields` by (source, record_id), streamed a batch at a time, column
        by column (each field's values, one per record): what a relink reads, with no
        record object and no dict per record (at 247,000 records, making the dicts took 2
        of a relink's 16 s of reading), through the driver's cursor (`driverread`)."""
        with self.engine.connect() as c:
            yield from column_batches(c, person_records, fields, ("source", "record_id"), batch)

    def _stream(
        self, fields: Sequence[str], order: Sequence[Any], batch: int
    ) -> Iterator[dict[str, Any]]:
        """The records' `fields` in `order`, streamed `batch` rows at a time."""
        query = select(*(person_records.c[f] for f in fields)).order_by(*order)
        with self.engine.connect() as c:
            rows = c.execution_options(stream_results=True, yield_per=batch).execute(query)
            for part in rows.partitions(batch):
                for row in part:
                    yield dict(row._mapping)

    def iter_records_by_case(
        self, fields: Sequence[str], batch: int = 20_000
    ) -> Iterator[list[dict[str, Any]]]:
        """Every record's `fields`, in batches of about `batch` records that never split a
        case (the keys of a record read its case's villages and families)."""
        order = (person_records.c.source, person_records.c.case_id, person_records.c.id)
        return _whole_cases(self._stream(fields, order, batch), batch)

    def rebuild_keys(self, batches: Iterable[dict[uuid.UUID, Iterable[str]]], version: str) -> int:
        """Replace every stored key by those of `batches`, and remember `version`: one
        transaction, so a lookup meanwhile (or after a crash) reads the old keys whole.
        Every record is marked keyed with its present content (`keyed_records`): the
        batches are read from the records as stored when the rebuild began."""
        records = 0
        with self.engine.begin() as c, bulk_cache(c):
            with _replacing_keys(c) as table:
                for keys in batches:
                    rows = ((k, r.hex) for r, ks in keys.items() for k in set(ks))
                    write_rows(c, table, ("key", "record_id"), rows, uuids=False)
                    records += len(keys)
            c.execute(delete(keyed_records))
            c.execute(
                insert(keyed_records).from_select(
                    ["record_id", "content_hash"], select(person_records.c.id, _CONTENT)
                )
            )
            write_setting(c, KEYS_VERSION, version)
        return records

    def stale_key_count(self) -> int:
        """How many records changed (or came) since their keys were written, with the
        other records of their cases: those `replace_stale_keys` keys again."""
        with self.engine.connect() as c:
            count = select(func.count()).select_from(person_records)
            if not c.execute(count.where(_STALE)).scalar_one():
                return 0
            return c.execute(count.where(_to_rekey())).scalar_one()

    def replace_stale_keys(
        self,
        fields: Sequence[str],
        keys_of: Callable[[list[dict[str, Any]]], list[list[str]]],
        batch: int = 20_000,
    ) -> int:
        """Write again the keys of the records changed since their keys were written and
        of every record of their cases (a record's keys read its case), in one
        transaction; `keys_of` gives the keys of a list of records holding whole cases.
        How many records were keyed again. On SQLite the write lock is taken first: a
        writer committing between the read and the first write would fail this one."""
        query = (
            select(*(person_records.c[f] for f in fields))
            .where(_to_rekey())
            .order_by(person_records.c.source, person_records.c.case_id, person_records.c.id)
        )
        connection = self.engine.connect().execution_options(immediate=True)
        with connection as c, c.begin():
            records = [dict(r._mapping) for r in c.execute(query)]
            for part in _whole_cases(records, batch):
                keys = keys_of(part)
                replace_keys(c, {r["id"]: k for r, k in zip(part, keys, strict=True)})
        return len(records)


@contextmanager
def _replacing_keys(c: Connection) -> Iterator[str]:
    """Every stored key deleted, and the table to write the new ones into. On SQLite a
    staging table without an index, copied into `blocking_keys` in key order, the record
    index dropped meanwhile and made again afterwards: keys written in a record's order
    land all over both B-trees (at 49,616 records, 494,726 keys: 13.1 s so, 4.3 s
    staged). PostgreSQL takes them through COPY as they come (its index stays: dropping
    it would stop every lookup until the commit)."""
    if c.dialect.name != "sqlite":
        c.execute(delete(blocking_keys))
        yield blocking_keys.name
        return
    by_record = next(i for i in blocking_keys.indexes if i.name == "ix_blocking_keys_record")
    by_record.drop(c)
    c.execute(delete(blocking_keys))
    c.exec_driver_sql("CREATE TEMP TABLE keys_staging (key TEXT NOT NULL, record_id TEXT NOT NULL)")
    yield "keys_staging"
    c.exec_driver_sql(
        "INSERT INTO blocking_keys (key, record_id) "
        "SELECT key, record_id FROM keys_staging ORDER BY key, record_id"
    )
    c.exec_driver_sql("DROP TABLE keys_staging")
    by_record.create(c)


_CONTENT = person_records.c.content_hash
_STALE = ~exists().where(
    keyed_records.c.record_id == person_records.c.id, keyed_records.c.content_hash == _CONTENT
)
"""A record whose keys were not written from its present content."""


def _to_rekey() -> ColumnElement[bool]:
    """A record changed since its keys were written, or of the case of one."""
    changed_cases = (
        select(person_records.c.source, person_records.c.case_id)
        .where(_STALE, person_records.c.case_id.is_not(None))
        .distinct()
    )
    in_changed_case = tuple_(person_records.c.source, person_records.c.case_id).in_(changed_cases)
    return or_(_STALE, in_changed_case)


def _whole_cases(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    """Records ordered by case, in batches of about `size` records that never split a case."""
    current: list[dict[str, Any]] = []
    for record in records:
        if len(current) >= size and _case(current[-1]) != _case(record):
            yield current
            current = []
        current.append(record)
    if current:
        yield current


def _case(record: dict[str, Any]) -> tuple[Any, Any]:
    case = record.get("case_id")
    return (record.get("source"), case) if case else (None, record["id"])
