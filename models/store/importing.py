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
    Uuid,
    bindparam,
    insert,
    select,
    text,
)

from models.store.bulk import write_rows
from models.tables import VALUE_NAMES, cases, imports, organisations, record_value_columns

STAGING = "import_staging"
RELATION_STAGING = "import_relation_staging"
_HASHED = tuple(n for n in VALUE_NAMES if n != "content_hash")
_EXTRA = 1 + _HASHED.index("extra")
_DATES = tuple(
    1 + VALUE_NAMES.index(n) for n in ("registered_on", "birth_earliest", "birth_latest")
)
_BOOLEANS = tuple(1 + VALUE_NAMES.index(n) for n in ("birth_placeholder", "age_estimated"))


@dataclass(frozen=True, slots=True)
class ImportCounts:
    import_id: uuid.UUID
    rows: int
    new: int
    changed: int
    unchanged: int
    relations: int


def staging_row(values: dict[str, Any]) -> list[Any]:
    """A validated record as the staging table takes it on both databases (text dates,
    0/1 flags, JSON text, hex id), ending with the digest of its values: equal digests
    mean an unchanged record."""
    row: list[Any] = [uuid.uuid4().hex, *(values[n] for n in _HASHED)]
    extra = row[_EXTRA]
    row[_EXTRA] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else "{}"
    for index in _DATES:
        if row[index] is not None:
            row[index] = row[index].isoformat()
    for index in _BOOLEANS:
        row[index] = int(row[index])
    digest = hashlib.blake2b(
        "\x1f".join(["\x00" if v is None else str(v) for v in row[1:]]).encode(), digest_size=16
    )
    row.append(digest.hexdigest())
    return row


def _staging_tables() -> tuple[Table, Table]:
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
    return records, relation_rows


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
        self._records, self._relations = _staging_tables()
        for table in (self._records, self._relations):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name}"))
            table.create(connection)

    def add_records(self, batch: list[dict[str, Any]]) -> None:
        """Stage validated records (as returned by `models.validation.validate_record`)."""
        for values in batch:
            self.sources.add(values["source"])
            if values["case_id"]:
                self.cases.setdefault((values["source"], values["case_id"]), values["case_type"])
        rows = [staging_row(values) for values in batch]
        self._write(self._records, ["new_id", *VALUE_NAMES], rows)
        self.rows += len(batch)

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

    def _write(self, table: Table, columns: list[str], rows: list[Any]) -> None:
        if rows:
            write_rows(self.connection, table.name, columns, rows)

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
                "WHERE p.source = s.source AND p.record_id = s.record_id)"
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
        known_cases: set[tuple[str, str]] = set()
        keys = list(self.cases)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for source in {s for s, _ in chunk}:
                ids = [k for s, k in chunk if s == source]
                rows = c.execute(
                    select(cases.c.case_id).where(
                        cases.c.source == source, cases.c.case_id.in_(ids)
                    )
                )
                known_cases.update((source, case_id) for case_id in rows.scalars())
        new_cases = [
            {"id": uuid.uuid4(), "source": s, "case_id": k, "case_type": t}
            for (s, k), t in self.cases.items()
            if (s, k) not in known_cases
        ]
        for start in range(0, len(new_cases), 5000):
            c.execute(insert(cases), new_cases[start : start + 5000])

    def drop_staging(self) -> None:
        for name in (STAGING, RELATION_STAGING):
            self.connection.execute(text(f"DROP TABLE IF EXISTS {name}"))
