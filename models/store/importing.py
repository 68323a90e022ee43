"""Loading a records file: staging table, then one merge, all in one transaction.

Rows go to a temporary staging table as they are read (COPY on PostgreSQL,
executemany on SQLite), so memory stays bounded whatever the file's size.
When the whole file has been read without a bad row, one set of statements
counts new / changed / unchanged rows by `(source, record_id)` and merges.
Any bad row means a rollback: the database is left as it was.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    text,
)

from models.ages import AGE_PRECISIONS, recounted
from models.birthdates import DateError
from models.store.bulk import new_ids, write_rows
from models.store.versions import keep_versions, written_back
from models.tables import (
    VALUE_NAMES,
    imports,
    organisations,
    person_records,
    record_value_columns,
)
from models.validation import RAW_SUFFIX, extra_given, fields_given, implied_fields

STAGING = "import_staging"
RELATION_STAGING = "import_relation_staging"
CASE_STAGING = "import_case_staging"
KEY_STAGING = "import_key_staging"
_HASHED = tuple(n for n in VALUE_NAMES if n != "content_hash")
_CASES_LEFT = (
    "DELETE FROM keyed_records WHERE record_id IN (SELECT id FROM person_records "
    "WHERE (source, case_id) IN (SELECT p.source, p.case_id FROM {staging} s "
    "JOIN person_records p ON p.source = s.source AND p.record_id = s.record_id "
    "WHERE p.case_id IS NOT NULL AND (s.case_id IS NULL OR s.case_id <> p.case_id)))"
)
"""The records of a case a changed row leaves are marked for new keys (a record's keys
read its case's villages and families; the row itself is marked by its new digest)."""
_DATES = frozenset({"registered_on", "birth_earliest", "birth_latest"})
_BOOLEANS = frozenset({"birth_placeholder", "age_estimated"})
_NUMBERS = _BOOLEANS | {"age"}
"""The fields whose staged value is not text (a digest hashes their text)."""


def _role_in_new_case(role: Any, was_in: Any, now_in: Any) -> Any:
    """The stored role of a record a file without a role column writes: kept in the same
    case; in another case, a role in the old one says nothing of the new (a `sought` child
    moved into an identification file is no one sought there), but a suspect stays one
    (a false merge of a suspect is worse than a role kept too long)."""
    if was_in == now_in or role == "suspect":
        return role
    return None


def _age_on_stored_date(columns: dict[str, list[Any]], position: int) -> None:
    """A file with ages and no registration date, writing a stored record again: its age
    is the age on the stored registration date (the records contract: "age in years on
    registered_on"), not today."""
    on = columns["registered_on"][position]
    if on is None or columns["birth_precision"][position] not in AGE_PRECISIONS:
        return
    written = (columns["extra"][position] or {}).get("age" + RAW_SUFFIX)
    try:
        interval = recounted(
            columns["age"][position], bool(columns["age_estimated"][position]), written, on
        )
    except DateError:
        return
    columns["birth_earliest"][position] = interval.earliest
    columns["birth_latest"][position] = interval.latest


@dataclass(frozen=True, slots=True)
class ImportCounts:
    import_id: uuid.UUID
    rows: int
    new: int
    changed: int
    unchanged: int
    relations: int


def staging_rows(columns: dict[str, list[Any]]) -> list[tuple[Any, ...]]:
    """Validated records, given column by column, as the staging table takes them on
    both databases (text dates, 0/1 flags, JSON text, hex id), each ending with the
    digest of its values: equal digests mean an unchanged record."""
    values: list[list[Any]] = []
    texts: list[list[str]] = []
    for name in _HASHED:
        column = columns[name]
        if name == "extra":
            column = [
                json.dumps(e, ensure_ascii=False, sort_keys=True) if e else "{}" for e in column
            ]
        elif name in _DATES:
            days = {d: d.isoformat() for d in set(column) if d is not None}
            column = [None if d is None else days[d] for d in column]
        elif name in _BOOLEANS:
            column = [int(v) for v in column]
        values.append(column)
        if name in _NUMBERS:
            texts.append(["\x00" if v is None else str(v) for v in column])
        else:
            texts.append(["\x00" if v is None else v for v in column])
    digests = [
        hashlib.blake2b("\x1f".join(t).encode(), digest_size=16).hexdigest()
        for t in zip(*texts, strict=True)
    ]
    return list(zip(new_ids(len(digests)), *values, digests, strict=True))


def _staging_tables() -> tuple[Table, Table, Table, Table]:
    meta = MetaData()
    records = Table(
        STAGING,
        meta,
        Column("new_id", Uuid, nullable=False),
        *record_value_columns(),
        prefixes=["TEMPORARY"],
    )
    relation_rows = Table(
        RELATION_STAGING,
        meta,
        Column("row_number", Integer, nullable=False),
        Column("record_id", String(200), nullable=False),
        Column("relation", String(20), nullable=False),
        Column("related_record_id", String(200), nullable=False),
        Column("stored_a", Uuid),
        Column("stored_b", Uuid),
        prefixes=["TEMPORARY"],
    )
    case_rows = Table(
        CASE_STAGING,
        meta,
        Column("id", Uuid, nullable=False),
        Column("source", String(120), nullable=False),
        Column("case_id", String(200), nullable=False),
        Column("case_type", String(40)),
        prefixes=["TEMPORARY"],
    )
    keys = Table(
        KEY_STAGING,
        meta,
        Column("position", Integer, nullable=False),
        Column("source", String(120), nullable=False),
        Column("record_id", String(200), nullable=False),
        prefixes=["TEMPORARY"],
    )
    return records, relation_rows, case_rows, keys


class ImportWriter:
    """Writes one file's rows inside the caller's transaction; `finish` merges them."""

    def __init__(self, connection: Connection, file_name: str) -> None:
        self.connection = connection
        self.file_name = file_name
        self.import_id = uuid.uuid4()
        self.started_at = datetime.now(UTC)
        self.rows = 0
        self.relation_rows = 0
        self.cases: dict[tuple[str, str], str | None] = {}
        self.sources: set[str] = set()
        self._in_key_order = (
            " ORDER BY s.source, s.record_id" if connection.dialect.name == "sqlite" else ""
        )
        """SQLite inserts new records in key order: the unique index on (source, record_id)
        and the record id index are then written in order, not at random (at 989,900
        records the merge took 14.7 s instead of 23.8 s); PostgreSQL was slower sorted."""
        self._held: bool | None = None
        self._records, self._relations, self._cases, self._keys = _staging_tables()
        for table in (self._records, self._relations, self._cases, self._keys):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            table.create(connection)

    def add_records(self, batch: list[dict[str, Any]]) -> None:
        """Stage validated records (as returned by `models.validation.validate_record`)."""
        self.add_columns({name: [values[name] for values in batch] for name in _HASHED})

    def add_columns(
        self, columns: dict[str, list[Any]], header: tuple[str, ...] | None = None
    ) -> None:
        """Stage validated records given column by column (`models.columnwise`), read from
        a file with these columns (`header`; None: every field). A stored record written
        again keeps its values of the fields the file has no column for."""
        if header is not None and self._stored_any():
            self._keep_stored(columns, header)
        self.sources.update(columns["source"])
        for source, case_id, case_type in zip(
            columns["source"], columns["case_id"], columns["case_type"], strict=True
        ):
            if case_id:
                self.cases.setdefault((source, case_id), case_type)
        rows = staging_rows(columns)
        self._write(self._records, ["new_id", *VALUE_NAMES], rows, uuids=False)
        self.rows += len(rows)

    def _stored_any(self) -> bool:
        """Whether the store held records when this import began (a first load of a
        million rows looks none up)."""
        if self._held is None:
            held = self.connection.execute(select(person_records.c.id).limit(1)).first()
            self._held = held is not None
        return self._held

    def _keep_stored(self, columns: dict[str, list[Any]], header: tuple[str, ...]) -> None:
        """The values the stored records of these rows hold for the fields `header` does
        not write (`models.validation.fields_given`) put into ``columns``, and their extra
        data beside what the file writes of it. The rows' keys are looked up through a
        staging table (no statement grows with the rows); only the stored records holding
        a value of those fields, or extra data, are read."""
        given = fields_given(header)
        kept = [n for n in _HASHED if n not in given and n != "extra"]
        implied = {n: same for n, same in implied_fields(header).items() if n in _HASHED}
        compared = {n for same in implied.values() for n in same} - set(implied)
        moved_role = "role" in kept and "case_id" in given  # `_role_in_new_case`
        if moved_role:
            compared.add("case_id")
        written = extra_given(header)
        keys = [
            (position, source, record_id)
            for position, (source, record_id) in enumerate(
                zip(columns["source"], columns["record_id"], strict=True)
            )
            if source is not None and record_id is not None
        ]
        if not keys:
            return
        self._write(self._keys, ["position", "source", "record_id"], keys, uuids=False)
        if self.connection.dialect.name == "postgresql":  # a temporary table has no statistics
            self.connection.execute(text(f"ANALYZE {KEY_STAGING}"))
        k, p = self._keys, person_records
        holds = or_(
            func.coalesce(cast(p.c.extra, Text), "{}") != "{}",
            *(
                p.c[n].is_(True) if n in _BOOLEANS else p.c[n].is_not(None)
                for n in (*kept, *implied)
            ),
        )
        read = [*kept, *implied, *sorted(compared - set(kept) - set(implied))]
        found = self.connection.execute(
            select(k.c.position, p.c.extra, *(p.c[n] for n in read))
            .join(p, (p.c.source == k.c.source) & (p.c.record_id == k.c.record_id))
            .where(holds)
        )
        for position, extra, *values in found:
            stored = dict(zip(read, values, strict=True))
            for name in kept:
                columns[name][position] = stored[name]
            for name, same in implied.items():
                if stored[name] is not None and all(
                    columns[n][position] == stored[n] for n in same
                ):
                    columns[name][position] = stored[name]
            if moved_role:
                columns["role"][position] = _role_in_new_case(
                    stored["role"], stored["case_id"], columns["case_id"][position]
                )
            others = {key: v for key, v in (extra or {}).items() if key not in written}
            if others:
                columns["extra"][position] = {**others, **(columns["extra"][position] or {})}
            if "registered_on" in kept and "age" in given:
                _age_on_stored_date(columns, position)
        self.connection.execute(k.delete())

    def add_relations(
        self, batch: Iterable[tuple[int, str, str, str, uuid.UUID | None, uuid.UUID | None]]
    ) -> None:
        """Stage `(row_number, record_id, relation, related_record_id, stored_a, stored_b)`
        rows; `stored_a` / `stored_b` are the ids of records already stored, for an end
        that names one instead of a row of the file (None otherwise)."""
        rows = list(batch)
        self._write(
            self._relations,
            ["row_number", "record_id", "relation", "related_record_id", "stored_a", "stored_b"],
            rows,
        )
        self.relation_rows += len(rows)

    def _write(
        self, table: Table, columns: list[str], rows: list[Any], *, uuids: bool = True
    ) -> None:
        if rows:
            write_rows(self.connection, table.name, columns, rows, uuids=uuids)

    def written_back(self, limit: int = 10) -> tuple[int, list[str]]:
        """How many stored records the staged rows set back to values a later import had
        replaced, and the first `limit` of their ids (`versions.written_back`); a first
        load looks nothing up."""
        if not self._stored_any():
            return 0, []
        return written_back(self.connection, STAGING, limit)

    def finish(self) -> ImportCounts:
        """Merge staged rows into the stored population and record the import."""
        c = self.connection
        join = (
            f"FROM {STAGING} s LEFT JOIN person_records p "
            "ON p.source = s.source AND p.record_id = s.record_id"
        )
        new, changed, unchanged = c.execute(
            text(
                "SELECT "
                "COALESCE(SUM(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END), 0), "
                "COALESCE(SUM(CASE WHEN p.content_hash <> s.content_hash THEN 1 ELSE 0 END), 0), "
                "COALESCE(SUM(CASE WHEN p.content_hash = s.content_hash THEN 1 ELSE 0 END), 0) "
                + join
            )
        ).one()
        if changed:
            c.execute(text(_CASES_LEFT.format(staging=STAGING)))
            keep_versions(c, STAGING, self.started_at, self.import_id)
        now = bindparam("now", type_=DateTime(timezone=True))
        stamp = bindparam("import_id", type_=Uuid)
        assignments = ", ".join(f"{n} = s.{n}" for n in VALUE_NAMES)
        c.execute(
            text(
                f"UPDATE person_records SET {assignments}, updated_at = :now, "
                f"import_id = :import_id FROM {STAGING} s "
                "WHERE person_records.source = s.source "
                "AND person_records.record_id = s.record_id "
                "AND person_records.content_hash <> s.content_hash"
            ).bindparams(now, stamp),
            {"now": self.started_at, "import_id": self.import_id},
        )
        names = ", ".join(VALUE_NAMES)
        selected = ", ".join(f"s.{n}" for n in VALUE_NAMES)
        c.execute(
            text(
                f"INSERT INTO person_records (id, {names}, imported_at, updated_at, import_id) "
                f"SELECT s.new_id, {selected}, :now, :now, :import_id FROM {STAGING} s "
                "WHERE NOT EXISTS (SELECT 1 FROM person_records p "
                f"WHERE p.source = s.source AND p.record_id = s.record_id){self._in_key_order}"
            ).bindparams(now, stamp),
            {"now": self.started_at, "import_id": self.import_id},
        )
        relations = self._merge_relations()
        self._merge_cases_and_organisations()
        c.execute(
            insert(imports).values(
                id=self.import_id,
                file_name=self.file_name,
                started_at=self.started_at,
                finished_at=datetime.now(UTC),
                rows=self.rows,
                new=int(new),
                changed=int(changed),
                unchanged=int(unchanged),
                relations=relations,
            )
        )
        self.drop_staging()
        return ImportCounts(
            self.import_id, self.rows, int(new), int(changed), int(unchanged), relations
        )

    def _merge_relations(self) -> int:
        if not self.relation_rows:
            return 0
        result = self.connection.execute(
            text(
                f"""
                INSERT INTO relations (record_id, relation, related_record_id)
                SELECT DISTINCT COALESCE(r.stored_a, a.id), r.relation, COALESCE(r.stored_b, b.id)
                FROM {RELATION_STAGING} r
                LEFT JOIN {STAGING} sa ON r.stored_a IS NULL AND sa.record_id = r.record_id
                LEFT JOIN person_records a ON a.source = sa.source AND a.record_id = sa.record_id
                LEFT JOIN {STAGING} sb
                    ON r.stored_b IS NULL AND sb.record_id = r.related_record_id
                LEFT JOIN person_records b ON b.source = sb.source AND b.record_id = sb.record_id
                WHERE COALESCE(r.stored_a, a.id) IS NOT NULL
                    AND COALESCE(r.stored_b, b.id) IS NOT NULL
                ON CONFLICT DO NOTHING
                """
            )
        )
        return max(result.rowcount, 0)

    def _merge_cases_and_organisations(self) -> None:
        c = self.connection
        known_orgs = set(
            c.execute(select(organisations.c.code).where(organisations.c.code.in_(self.sources)))
            .scalars()
            .all()
        )
        missing_orgs = [{"id": uuid.uuid4(), "code": s} for s in self.sources - known_orgs]
        if missing_orgs:
            c.execute(insert(organisations), missing_orgs)
        if not self.cases:
            return
        self._write(
            self._cases,
            ["id", "source", "case_id", "case_type"],
            [
                (i, s, k, t)
                for i, ((s, k), t) in zip(new_ids(len(self.cases)), self.cases.items(), strict=True)
            ],
            uuids=False,
        )
        c.execute(
            text(
                f"INSERT INTO cases (id, source, case_id, case_type) "
                f"SELECT s.id, s.source, s.case_id, s.case_type FROM {CASE_STAGING} s "
                "WHERE NOT EXISTS (SELECT 1 FROM cases k "
                "WHERE k.source = s.source AND k.case_id = s.case_id)"
            )
        )

    def drop_staging(self) -> None:
        for name in (STAGING, RELATION_STAGING, CASE_STAGING, KEY_STAGING):
            self.connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
