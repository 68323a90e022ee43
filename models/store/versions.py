"""Record versions: a stored record's values before an import changed them.

Re-importing updates a record in place (`models.store.importing`); the values it replaces
are copied first, in the same transaction, so that a file that blanks a phone, moves a
current location or renames a person loses nothing (`record_versions`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    Select,
    Uuid,
    bindparam,
    delete,
    exists,
    select,
    text,
)

from models.records import PROTECTED_FIELDS, SHOWN_FIELDS, PersonRecord
from models.store.audit import AuditEntry, write_audit
from models.store.stamps import person_record, utc
from models.tables import VALUE_NAMES, imports, person_records, record_versions
from models.users import User


def keep_versions(
    connection: Connection, staging: str, now: datetime, import_id: uuid.UUID
) -> None:
    """Copy the stored records `staging` changes (same source and record id, other
    values) into `record_versions`, stamped with this import."""
    names = ", ".join(VALUE_NAMES)
    selected = ", ".join(f"p.{n}" for n in VALUE_NAMES)
    connection.execute(
        text(
            f"INSERT INTO record_versions (record, replaced_at, import_id, {names}) "
            f"SELECT p.id, :now, :import_id, {selected} FROM person_records p "
            f"JOIN {staging} s ON p.source = s.source AND p.record_id = s.record_id "
            "WHERE p.content_hash <> s.content_hash"
        ).bindparams(
            bindparam("now", type_=DateTime(timezone=True)),
            bindparam("import_id", type_=Uuid),
        ),
        {"now": now, "import_id": import_id},
    )


def _replaced_after(moment: Any, *columns: Any) -> Select[Any]:
    """`columns` of the versions that imports finished after `moment` replaced (a time or
    a column of times): the values a record had before each such change; a version erased
    or pruned no longer tells."""
    return (
        select(*columns)
        .join(imports, imports.c.id == record_versions.c.import_id)
        .where(imports.c.finished_at > moment)
    )


def changed_after(records: Sequence[Any], moment: Any) -> ColumnElement[bool]:
    """True where an import finished after `moment` changed one of `records`' values (ids
    or columns of ids)."""
    return exists(
        _replaced_after(moment, record_versions.c.id).where(
            record_versions.c.record.in_(list(records))
        )
    )


READ_FIELDS = tuple(n for n in SHOWN_FIELDS if n not in PROTECTED_FIELDS)
"""The fields whose change counts against a reviewer's decision: what a reviewer reads
of a record (that a phone or a current location moved is for those who may read them)."""
BIRTH_YEARS = "birth_years"
"""Named beside `birth_date` when the years of the birth interval changed too: all that a
reader of the minimal view may learn of a changed birth."""


def changed_fields(c: Connection, record: uuid.UUID, moment: datetime) -> tuple[str, ...]:
    """The `READ_FIELDS` (and `BIRTH_YEARS`) where `record`'s values when an import first
    changed it after `moment` differ from its stored ones; empty when none did."""
    names = (*READ_FIELDS, "birth_earliest", "birth_latest")
    then = c.execute(
        _replaced_after(moment, *(record_versions.c[n] for n in names))
        .where(record_versions.c.record == record)
        .order_by(record_versions.c.id)
        .limit(1)
    ).first()
    now = c.execute(
        select(*(person_records.c[n] for n in names)).where(person_records.c.id == record)
    ).first()
    if then is None or now is None:
        return ()
    old, new = then._mapping, now._mapping
    moved = [n for n in READ_FIELDS if old[n] != new[n]]
    if any(_year(old[n]) != _year(new[n]) for n in ("birth_earliest", "birth_latest")):
        moved.append(BIRTH_YEARS)
    return tuple(moved)


def _year(value: Any) -> int | None:
    return None if value is None else int(str(value)[:4])


def written_back(connection: Connection, staging: str, limit: int) -> tuple[int, list[str]]:
    """How many stored records the staged rows write back to values an earlier import had
    replaced (the digest of one of their kept versions), and the first `limit` of them,
    each as "organisation · record id": an older export imported again after a
    correction."""
    found = (
        f"FROM {staging} s JOIN person_records p "
        "ON p.source = s.source AND p.record_id = s.record_id "
        "WHERE p.content_hash <> s.content_hash AND EXISTS (SELECT 1 FROM record_versions v "
        "WHERE v.record = p.id AND v.content_hash = s.content_hash)"
    )
    count = connection.execute(text(f"SELECT COUNT(*) {found}")).scalar_one()
    if not count:
        return 0, []
    named = connection.execute(
        text(f"SELECT s.source, s.record_id {found} ORDER BY s.source, s.record_id LIMIT {limit:d}")
    ).all()
    return int(count), [f"{source} · {record_id}" for source, record_id in named]


class VersionStore:
    engine: Any

    def record_versions(self, record: uuid.UUID) -> list[tuple[datetime, PersonRecord]]:
        """The earlier versions of a record, newest first: when each was replaced, and the
        record's values until then."""
        v = record_versions.c
        query = select(record_versions).where(v.record == record).order_by(v.id.desc())
        with self.engine.connect() as c:
            rows = [dict(row._mapping) for row in c.execute(query)]
        return [(utc(row["replaced_at"]), _as_record(row)) for row in rows]

    def erase_record_versions(self, record: uuid.UUID, user: User | None, entry: AuditEntry) -> int:
        """Delete every earlier version of a record, with its audit row (`entry`, told how
        many) in the same transaction: an erasure is never silent. How many were erased."""
        return self._erase(record_versions.c.record == record, user, entry)

    def prune_record_versions(self, before: datetime, user: User | None, entry: AuditEntry) -> int:
        """Delete the versions replaced before `before`, with the audit row, in one
        transaction. How many were deleted."""
        return self._erase(record_versions.c.replaced_at < before, user, entry)

    def _erase(self, which: ColumnElement[bool], user: User | None, entry: AuditEntry) -> int:
        with self.engine.begin() as c:
            count = c.execute(delete(record_versions).where(which)).rowcount or 0
            detail = {**(entry.detail or {}), "erased": count}
            write_audit(c, user, replace(entry, detail=detail))
        return count


def _as_record(row: dict[str, Any]) -> PersonRecord:
    """The record's values as they were (its person and times are the reader's to say:
    `service.records`)."""
    return person_record({**{k: row[k] for k in VALUE_NAMES}, "id": row["record"]})
