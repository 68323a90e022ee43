"""The store: opening, health, reading person records, and the link tables."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from models.database import is_sqlite, make_engine
from models.folding import fold, folded
from models.migrate import current_revision, ensure_schema, head_revision
from models.records import PersonRecord, Relation
from models.store.audit import AuditStore
from models.store.batches import chunks
from models.store.bulk import bulk_cache
from models.store.importing import ImportWriter
from models.store.keys import KeysStore
from models.store.limits import LimitStore
from models.store.linking import (
    LinkTx,
    candidate_ids,
    crowded_keys,
    pending_count,
    records_of_cases,
    records_of_entities,
)
from models.store.outdated import OutdatedStore
from models.store.prepared import PreparedStore
from models.store.queue import QueueStore
from models.store.review import ReviewStore
from models.store.sessions import SessionStore
from models.store.stamps import person_record, records_by_ids_on, utc
from models.store.users import UserStore
from models.store.versions import VersionStore
from models.tables import (
    entities,
    match_models,
    match_pairs,
    metadata,
    person_records,
    relations,
)

RECORD_FILTERS = (
    "source",
    "record_id",
    "case_id",
    "case_type",
    "role",
    "sex",
    "entity_id",
    "origin_region",
)
MAX_PAGE = 200
_SOURCES = text(
    "WITH RECURSIVE s(source) AS (SELECT min(source) FROM person_records UNION ALL "
    "SELECT (SELECT min(p.source) FROM person_records p WHERE p.source > s.source) "
    "FROM s WHERE s.source IS NOT NULL) SELECT source FROM s WHERE source IS NOT NULL"
)
"""The distinct sources in order, by skipping through the (source, record_id) index."""


@dataclass(frozen=True, slots=True)
class Page:
    items: list[PersonRecord]
    total: int
    limit: int
    offset: int


class Store(
    ReviewStore,
    OutdatedStore,
    QueueStore,
    AuditStore,
    KeysStore,
    LimitStore,
    PreparedStore,
    UserStore,
    SessionStore,
    VersionStore,
):
    """All reads and writes of the database go through here."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = True) -> Store:
        store = cls(make_engine(url))
        if migrate:
            ensure_schema(store.engine)
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def forget_connections(self) -> None:
        """In a forked process: open connections of its own, leaving the parent's pooled
        ones alone (SQLAlchemy's advice for `fork`)."""
        self.engine.dispose(close=False)

    def close(self) -> None:
        self.engine.dispose()

    # health -----------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            pending = pending_count(connection)
        current = current_revision(self.engine)
        return {
            "database": self.dialect,
            "schema_version": current,
            "schema_up_to_date": current == head_revision(),
            "durability": self.durability(),
            "pending_records": pending,
        }

    def pending_records(self) -> int:
        """Records stored but not linked to a person yet (the next import links them)."""
        with self.engine.connect() as connection:
            return pending_count(connection)

    def durability(self) -> dict[str, str]:
        """The settings that make a commit survive a crash (FULL / on)."""
        with self.engine.connect() as c:
            if is_sqlite(self.engine):
                level = c.exec_driver_sql("PRAGMA synchronous").scalar()
                mode = c.exec_driver_sql("PRAGMA journal_mode").scalar()
                return {
                    "synchronous": {2: "FULL", 3: "EXTRA"}.get(level, str(level)),
                    "journal_mode": str(mode),
                }
            return {
                "fsync": str(c.exec_driver_sql("SHOW fsync").scalar()),
                "synchronous_commit": str(c.exec_driver_sql("SHOW synchronous_commit").scalar()),
            }

    # imports ----------------------------------------------------------------

    @contextmanager
    def importing(self, file_name: str) -> Iterator[ImportWriter]:
        """One transaction for one file: committed only if the block ends without error."""
        with self.engine.connect() as connection, bulk_cache(connection), connection.begin():
            yield ImportWriter(connection, file_name)

    # records ----------------------------------------------------------------

    def get_record(self, record_id: uuid.UUID) -> PersonRecord | None:
        with self.engine.connect() as c:
            row = c.execute(select(person_records).where(person_records.c.id == record_id)).first()
        return person_record(row._mapping) if row else None

    def find_record(self, record_id: str, source: str | None = None) -> list[PersonRecord]:
        query = select(person_records).where(person_records.c.record_id == record_id)
        if source is not None:
            query = query.where(person_records.c.source == source)
        with self.engine.connect() as c:
            return [person_record(r._mapping) for r in c.execute(query)]

    def list_records(
        self, filters: dict[str, Any], limit: int = 50, offset: int = 0, name: str | None = None
    ) -> Page:
        limit = max(1, min(limit, MAX_PAGE))
        query = select(person_records)
        counter = select(func.count()).select_from(person_records)
        for column, value in filters.items():
            if column not in RECORD_FILTERS or value is None:
                continue
            condition = person_records.c[column] == value
            query, counter = query.where(condition), counter.where(condition)
        if name and (condition := name_condition(name)) is not None:
            query, counter = query.where(condition), counter.where(condition)
        query = query.order_by(person_records.c.source, person_records.c.record_id)
        with self.engine.connect() as c:
            total = c.execute(counter).scalar_one()
            rows = c.execute(query.limit(limit).offset(offset))
            items = [person_record(r._mapping) for r in rows]
        return Page(items, total, limit, offset)

    def entity(self, entity_id: uuid.UUID) -> tuple[datetime, list[PersonRecord]] | None:
        """When the entity was created and its records, or None when there is no such entity."""
        with self.engine.connect() as c:
            created = c.execute(
                select(entities.c.created_at).where(entities.c.id == entity_id)
            ).scalar()
            if created is None:
                return None
            rows = c.execute(
                select(person_records)
                .where(person_records.c.entity_id == entity_id)
                .order_by(person_records.c.source, person_records.c.record_id)
            )
            records = [person_record(r._mapping) for r in rows]
        return utc(created), records

    def sources(self) -> list[str]:
        """The organisations the stored records name (their `source`), in order: one
        index seek per organisation (`_SOURCES`), where a DISTINCT read every record's
        entry (42 ms at a million records, paid by every import of one record)."""
        with self.engine.connect() as c:
            return list(c.execute(_SOURCES).scalars())

    def count_records(self) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(person_records)).scalar_one()

    def estimated_record_count(self) -> int:
        """About how many records are stored, in constant time (for a match's prior)."""
        with self.engine.connect() as c:
            return estimated_record_count(c)

    def counts(self) -> dict[str, int]:
        """Row counts of every table, e.g. to compare two databases."""
        with self.engine.connect() as c:
            return {
                table.name: c.execute(select(func.count()).select_from(table)).scalar_one()
                for table in metadata.sorted_tables
            }

    def iter_records(
        self, batch: int = 10_000, import_id: uuid.UUID | None = None
    ) -> Iterator[PersonRecord]:
        """Every stored record (or those of one import), in a stable order, streamed."""
        query = select(person_records).order_by(person_records.c.id)
        if import_id is not None:
            query = query.where(person_records.c.import_id == import_id)
        last: uuid.UUID | None = None
        while True:
            page = query if last is None else query.where(person_records.c.id > last)
            with self.engine.connect() as c:
                rows = c.execute(page.limit(batch)).all()
            if not rows:
                return
            for row in rows:
                yield person_record(row._mapping)
            last = rows[-1]._mapping["id"]

    def records_by_ids(self, ids: Iterable[uuid.UUID]) -> list[PersonRecord]:
        with self.engine.connect() as c:
            return records_by_ids_on(c, ids)

    def records_of_cases(
        self, cases: Iterable[tuple[str, str]], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The `fields` of the records of these cases (source, case id)."""
        with self.engine.connect() as c:
            return records_of_cases(c, cases, fields)

    def relations_of(self, record_ids: Iterable[uuid.UUID]) -> list[Relation]:
        ids = list(record_ids)
        found: list[Relation] = []
        with self.engine.connect() as c:
            for chunk in chunks(ids):
                rows = c.execute(
                    select(relations).where(
                        relations.c.record_id.in_(chunk) | relations.c.related_record_id.in_(chunk)
                    )
                )
                found.extend(Relation(**r._mapping) for r in rows)
        return sorted(set(found), key=lambda r: (str(r.record_id), r.relation))

    # linking ----------------------------------------------------------------

    def candidates(
        self, keys: Iterable[str], cap_of: Callable[[str], int], limit: int = 300
    ) -> dict[uuid.UUID, int]:
        """Records sharing a blocking key, with how many keys they share (one index lookup).

        A key held by more than `cap_of(key)` records is skipped, as the batch blocking
        drops such blocks; the `limit` records sharing the most keys are kept.
        """
        with self.engine.connect() as c:
            return candidate_ids(c, keys, cap_of, limit)

    def crowded_keys(self, keys: Iterable[str], cap_of: Callable[[str], int]) -> list[str]:
        """The `keys` held by more records than `cap_of(key)`, which `candidates` skips."""
        with self.engine.connect() as c:
            return crowded_keys(c, keys, cap_of)

    @contextmanager
    def linking(self) -> Iterator[LinkTx]:
        """One connection and one transaction for a step of linking (`LinkTx`: keys, pairs,
        suggestions, entities are written only through it):
        committed when the block ends without error. On SQLite it takes the write lock at
        once (`BEGIN IMMEDIATE`): a concurrent writer waits for it instead of failing when
        this transaction, having read, starts writing."""
        connection = self.engine.connect().execution_options(immediate=True)
        with connection, connection.begin():
            yield LinkTx(connection, estimated_record_count)

    def records_of_entities(
        self, entity_ids: Collection[uuid.UUID], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The `fields` of every stored record of these persons."""
        if not entity_ids:
            return []
        with self.engine.connect() as c:
            return records_of_entities(c, entity_ids, fields)

    def pairs(self, band: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        query = select(match_pairs).order_by(match_pairs.c.probability.desc()).limit(limit)
        if band:
            query = query.where(match_pairs.c.band == band)
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(query)]

    def save_model(self, version: str, document: str, kind: str = "fs") -> None:
        """Store a model and make it the only active one of its kind (`fs` or `learned`)."""
        self.save_models([(version, document, kind)])

    def save_models(self, models: Sequence[tuple[str, str, str]]) -> None:
        """`save_model` of each (version, document, kind), in one transaction: a learned
        model and the FS model it corrects become active together or not at all."""
        with self.engine.begin() as c:
            for version, document, kind in models:
                c.execute(
                    update(match_models).where(match_models.c.kind == kind).values(active=False)
                )
                c.execute(delete(match_models).where(match_models.c.version == version))
                c.execute(
                    insert(match_models).values(
                        version=version,
                        created_at=datetime.now(UTC),
                        active=True,
                        document=document,
                        kind=kind,
                    )
                )

    def active_model(self, kind: str = "fs") -> str | None:
        with self.engine.connect() as c:
            return c.execute(
                select(match_models.c.document).where(
                    match_models.c.active.is_(True), match_models.c.kind == kind
                )
            ).scalar()


NAME_COLUMNS = ("full_name", "family_name", "given_names", "aliases")
"""The record's name fields a listing's `name` looks in."""


def name_condition(name: str) -> ColumnElement[bool] | None:
    """Records whose name fields hold every word of `name`, each word in any one of them
    (`NAME_COLUMNS`), in any order: "Salimata Camara" and "Camara Salimata" find given
    names "Salimata" with family name "Camara", the full name "CAMARA Salimata", and a
    Mariam Camara whose aliases say "Salimata". A word matches anywhere in a field
    (`raor` finds "Traoré"; `%` and `_` are no wildcards), both folded alike on either
    database (`folding`: "sekou traore" finds "Sékou TRAORÉ", "ndiaye" "N'Diaye"). One
    condition per distinct word on the fields joined by spaces (a word holds none, so
    it never spans two fields): the statement grows with the query (at most 50 words in
    the 100 characters `GET /records` accepts), never with the records. None when
    `name` has no word."""
    words = dict.fromkeys(w for w in (fold(word) for word in name.split()) if w)
    if not words:
        return None
    joined = func.coalesce(person_records.c[NAME_COLUMNS[0]], "")
    for column in NAME_COLUMNS[1:]:
        joined = joined + " " + func.coalesce(person_records.c[column], "")
    names = folded(joined)
    return and_(*(names.like(f"%{like_literal(word)}%", escape=ESCAPE) for word in words))


ESCAPE = "\\"


def like_literal(text: str) -> str:
    """`text` matched as written inside a LIKE pattern: `%`, `_` and `\\` lose their
    meaning (a name of `%%` must not match everyone)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def estimated_record_count(c: Connection) -> int:
    """About how many records are stored, in constant time (SQLite: the largest rowid;
    PostgreSQL: the planner's estimate, counted when it is missing or small)."""
    if c.dialect.name == "sqlite":
        return int(c.execute(text("SELECT max(rowid) FROM person_records")).scalar() or 0)
    estimate = c.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = 'person_records'::regclass")
    ).scalar()
    if estimate is None or estimate < 1000:
        return int(c.execute(select(func.count()).select_from(person_records)).scalar_one())
    return int(estimate)
