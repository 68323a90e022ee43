"""What linking new records reads and writes, on one connection per transaction.

Incremental matching of one record must stay well under 50 ms against a
million stored ones, so it works in two short transactions (`Store.linking`)
instead of one per step (fewer commits and fsyncs, no pool checkout per step),
looks its candidates up in one statement (every blocking key with its own cap,
the shared-key count, the best `limit` and their fields) and reads only the
fields matching uses, as plain dicts (no model validation per candidate).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    Table,
    Uuid,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
    update,
)

from models.jsontext import json_text
from models.review import DECIDED_STATUSES
from models.store.batches import chunks, rows_among
from models.store.bulk import bulk_cache, write_rows
from models.store.prepared import add_prepared, read_prepared
from models.store.suggestions import (
    SuggestionSync,
    constraints_of,
    mark_minor_persons_on,
    sync_suggestions_on,
)
from models.tables import (
    blocking_keys,
    entities,
    keyed_records,
    match_pairs,
    person_records,
    suggestions,
)

SMALL_ASSIGNMENT = 50
"""Below this many records an entity assignment is plain UPDATEs, not a staging table."""


AT_ONCE = 1_000
"""Up to this many records, PostgreSQL replaces their keys in one statement (`_AT_ONCE`):
linking a new record pays one round trip instead of four."""
_AT_ONCE = text(
    "WITH fresh AS (SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:owners AS uuid[])) "
    "AS f(key, record_id)), "
    "gone AS (DELETE FROM blocking_keys b WHERE b.record_id = ANY(CAST(:ids AS uuid[])) "
    "AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.key = b.key "
    "AND fresh.record_id = b.record_id)), "
    "marked AS (INSERT INTO keyed_records (record_id, content_hash) "
    "SELECT id, content_hash FROM person_records WHERE id = ANY(CAST(:ids AS uuid[])) "
    "ON CONFLICT (record_id) DO UPDATE SET content_hash = EXCLUDED.content_hash) "
    "INSERT INTO blocking_keys (key, record_id) SELECT key, record_id FROM fresh "
    "ON CONFLICT DO NOTHING"
)


def replace_keys(c: Connection, keys: dict[uuid.UUID, Iterable[str]]) -> None:
    """Store the blocking keys of these records, replacing their old ones, and mark the
    records as keyed with their present content (`keyed_records`)."""
    if c.dialect.name == "postgresql" and len(keys) <= AT_ONCE:
        pairs = [(k, r) for r, ks in keys.items() for k in sorted(set(ks))]
        c.execute(
            _AT_ONCE,
            {
                "keys": [k for k, _ in pairs],
                "owners": [r for _, r in pairs],
                "ids": list(keys),
            },
        )
        return
    for chunk in chunks(list(keys)):
        c.execute(delete(blocking_keys).where(blocking_keys.c.record_id.in_(chunk)))
        c.execute(delete(keyed_records).where(keyed_records.c.record_id.in_(chunk)))
        c.execute(
            insert(keyed_records).from_select(
                ["record_id", "content_hash"],
                select(person_records.c.id, person_records.c.content_hash).where(
                    person_records.c.id.in_(chunk)
                ),
            )
        )
    rows = [{"key": k, "record_id": r} for r, ks in keys.items() for k in set(ks)]
    for start in range(0, len(rows), 20_000):
        c.execute(insert(blocking_keys), rows[start : start + 20_000])


_KEPT_AND_SHARED = (
    "kept AS (SELECT key FROM hits GROUP BY key HAVING count(*) <= max(cap)) "
    "SELECT hits.record_id AS record_id, count(*) AS shared "
    "FROM hits JOIN kept ON kept.key = hits.key GROUP BY hits.record_id"
)


def _shared_keys(
    dialect: str, keys: Iterable[str], cap_of: Callable[[str], int]
) -> tuple[str, dict[str, Any]]:
    """SQL of `(record_id, shared)` for records holding one of `keys` (with how many they
    hold), and its parameters.

    A key held by more than `cap_of(key)` records counts for nothing (the batch
    blocking drops such blocks): each key reads at most cap + 1 index entries.
    PostgreSQL gets the keys and caps as two arrays (one text whatever the number of
    keys, so psycopg prepares it once and the planner stops planning it); SQLite a
    union of one subquery per key. Written as text: building and compiling the
    equivalent SQLAlchemy expression costs several times what the database takes to
    run it.
    """
    ordered = sorted(set(keys))
    caps = [cap_of(key) for key in ordered]
    if dialect == "postgresql":
        sql = (
            "WITH hits AS (SELECT k.key, h.record_id, k.cap "
            "FROM unnest(CAST(:keys AS text[]), CAST(:caps AS integer[])) AS k(key, cap) "
            "CROSS JOIN LATERAL (SELECT b.record_id FROM blocking_keys b "
            "WHERE b.key = k.key LIMIT k.cap + 1) AS h), " + _KEPT_AND_SHARED
        )
        return sql, {"keys": ordered, "caps": caps}
    parts = []
    params: dict[str, Any] = {}
    for k, (key, cap) in enumerate(zip(ordered, caps, strict=True)):
        parts.append(
            f"SELECT * FROM (SELECT key, record_id, :cap_{k} AS cap FROM blocking_keys "
            f"WHERE key = :key_{k} LIMIT :take_{k}) AS h{k}"
        )
        params.update({f"key_{k}": key, f"cap_{k}": cap, f"take_{k}": cap + 1})
    return "WITH hits AS (" + " UNION ALL ".join(parts) + "), " + _KEPT_AND_SHARED, params


def candidate_ids(
    c: Connection, keys: Iterable[str], cap_of: Callable[[str], int], limit: int = 300
) -> dict[uuid.UUID, int]:
    """Records sharing a blocking key, with how many keys they share (an index lookup).

    A key held by more than `cap_of(key)` records is skipped, as the batch blocking
    drops such blocks; the `limit` records sharing the most keys are kept (ties: by id).
    """
    keys = set(keys)
    if not keys:
        return {}
    shared, params = _shared_keys(c.dialect.name, keys, cap_of)
    query = text(
        f"SELECT record_id, shared FROM ({shared}) AS s "
        "ORDER BY shared DESC, record_id LIMIT :limit"
    ).columns(blocking_keys.c.record_id, column("shared", Integer))
    return {r.record_id: r.shared for r in c.execute(query, {**params, "limit": limit})}


def crowded_keys(c: Connection, keys: Iterable[str], cap_of: Callable[[str], int]) -> list[str]:
    """The `keys` held by more records than `cap_of(key)` (each reads at most cap + 1
    index entries): those `candidate_ids` skips."""
    crowded = []
    for key in sorted(set(keys)):
        cap = cap_of(key)
        held = select(blocking_keys.c.record_id).where(blocking_keys.c.key == key).limit(cap + 1)
        if c.execute(select(func.count()).select_from(held.subquery())).scalar_one() > cap:
            crowded.append(key)
    return crowded


def candidate_records(
    c: Connection,
    keys: Iterable[str],
    cap_of: Callable[[str], int],
    fields: Sequence[str],
    exclude: Iterable[uuid.UUID] = (),
    limit: int = 300,
) -> list[dict[str, Any]]:
    """`candidate_ids` and their `fields` (`fields` must hold "id"), in one statement, by id;
    records in `exclude` are ranked with the others (as the index holds them) but not
    returned. Rows become dicts by position: `Row._mapping` costs a third more."""
    keys = set(keys)
    if not keys:
        return []
    shared, params = _shared_keys(c.dialect.name, keys, cap_of)
    names = ", ".join(f"p.{f}" for f in fields)
    query = text(
        f"SELECT {names} FROM (SELECT record_id FROM ({shared}) AS s "
        "ORDER BY shared DESC, record_id LIMIT :limit) AS best "
        "JOIN person_records p ON p.id = best.record_id ORDER BY p.id"
    ).columns(*(person_records.c[f] for f in fields))
    skipped = set(exclude)
    rows = c.execute(query, {**params, "limit": limit})
    found = [dict(zip(fields, r, strict=True)) for r in rows]
    return [r for r in found if r["id"] not in skipped]


def records_to_link(
    c: Connection, import_id: uuid.UUID, fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The `fields` of the records an import wrote and of every record still without a
    person (an earlier link stopped by a crash or a kill), by (source, record_id)."""
    query = (
        select(*(person_records.c[f] for f in fields))
        .where(or_(person_records.c.import_id == import_id, person_records.c.entity_id.is_(None)))
        .order_by(person_records.c.source, person_records.c.record_id)
    )
    return [dict(r._mapping) for r in c.execute(query)]


def records_of_entities(
    c: Connection, entity_ids: Iterable[uuid.UUID], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The `fields` of every stored record of these persons (`batches.rows_among`; rows
    become dicts by position, as in `candidate_records`)."""
    columns = [person_records.c[f] for f in fields]
    ids = sorted(entity_ids, key=str)
    rows = rows_among(c, columns, person_records.c.entity_id, ids)
    return [dict(zip(fields, r, strict=True)) for r in rows]


def pending_count(c: Connection) -> int:
    """Records stored but not linked yet (no person)."""
    query = select(func.count()).select_from(person_records)
    return int(c.execute(query.where(person_records.c.entity_id.is_(None))).scalar() or 0)


def records_of_cases(
    c: Connection,
    cases: Iterable[tuple[str, str]],
    fields: Sequence[str],
    exclude: Iterable[uuid.UUID] = (),
) -> list[dict[str, Any]]:
    """The `fields` of the stored records of these cases (source, case id), but those in
    `exclude`, by (source, record_id)."""
    cases, excluded = list(cases), set(exclude)
    found: list[dict[str, Any]] = []
    for chunk in chunks(cases, 500):
        query = select(*(person_records.c[f] for f in fields)).where(
            tuple_(person_records.c.source, person_records.c.case_id).in_(chunk)
        )
        found.extend(dict(r._mapping) for r in c.execute(query))
    kept = [r for r in found if r["id"] not in excluded]
    return sorted(kept, key=lambda r: (r["source"], r["record_id"]))


PAIR_COLUMNS = ("record_a", "record_b", "probability", "band", "model_version", "reasons")
MANY_PAIRS = 20_000
"""From this many pairs (a relink), SQLite takes them in key order with its secondary
indexes made afterwards: in a record's order they land all over three B-trees."""


def write_pairs(
    c: Connection,
    pairs: Sequence[dict[str, Any]],
    replacing: Iterable[uuid.UUID] = (),
    ordered: bool = False,
) -> None:
    """Insert scored pairs, first dropping the old pairs of the records in `replacing`
    (`ordered`: the pairs come in key order already)."""
    for chunk in chunks(list(replacing)):
        c.execute(
            delete(match_pairs).where(
                match_pairs.c.record_a.in_(chunk) | match_pairs.c.record_b.in_(chunk)
            )
        )
    many = len(pairs) >= MANY_PAIRS and c.dialect.name == "sqlite"
    rows = ((*(p[k] for k in PAIR_COLUMNS[:-1]), json_text(p["reasons"])) for p in pairs)
    if not many:
        write_rows(c, match_pairs.name, PAIR_COLUMNS, rows)
        return
    for index in match_pairs.indexes:
        index.drop(c)
    if not ordered:
        rows = iter(sorted(rows, key=lambda row: (row[0].hex, row[1].hex)))
    write_rows(c, match_pairs.name, PAIR_COLUMNS, rows)
    for index in match_pairs.indexes:
        index.create(c)


def decided_among(
    c: Connection, record_ids: Sequence[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    """Decided suggestions `(record_a, record_b, status)` whose both records are given
    (`batches.rows_among`)."""
    wanted = set(record_ids)
    table = suggestions
    found = rows_among(
        c,
        (table.c.record_a, table.c.record_b, table.c.status),
        table.c.record_a,
        sorted(wanted, key=str),
        table.c.status.in_(DECIDED_STATUSES),
    )
    rows = [(r[0], r[1], r[2]) for r in found if r[1] in wanted]
    return sorted(rows, key=lambda r: (str(r[0]), str(r[1])))


def set_entities(c: Connection, assignment: dict[uuid.UUID, uuid.UUID]) -> int:
    """Set the entity of each record, creating entities that do not exist yet. A large
    assignment (a relink: every record) goes through a staging table, from which the
    missing entities are created and the changed records updated, each in one statement."""
    if not assignment:
        return 0
    now = datetime.now(UTC)
    if len(assignment) <= SMALL_ASSIGNMENT:
        wanted = sorted(set(assignment.values()))
        known: set[uuid.UUID] = set()
        for chunk in chunks(wanted):
            known.update(c.execute(select(entities.c.id).where(entities.c.id.in_(chunk))).scalars())
        missing = [{"id": e, "created_at": now} for e in wanted if e not in known]
        if missing:
            c.execute(insert(entities), missing)
        for record, entity in assignment.items():
            c.execute(
                update(person_records).where(person_records.c.id == record).values(entity_id=entity)
            )
        return len(assignment)
    staging = Table(
        "entity_staging",
        MetaData(),
        Column("record_id", Uuid, nullable=False),
        Column("entity_id", Uuid, nullable=False),
        prefixes=["TEMPORARY"],
    )
    c.execute(text("DROP TABLE IF EXISTS entity_staging"))
    staging.create(c)
    write_rows(c, staging.name, ("record_id", "entity_id"), assignment.items())
    new_entities = (
        select(staging.c.entity_id, literal(now, DateTime(timezone=True)))
        .where(~exists().where(entities.c.id == staging.c.entity_id))
        .group_by(staging.c.entity_id)
    )
    c.execute(insert(entities).from_select(["id", "created_at"], new_entities))
    c.execute(
        text(
            "UPDATE person_records SET entity_id = s.entity_id FROM entity_staging s "
            "WHERE person_records.id = s.record_id "
            "AND (person_records.entity_id IS NULL OR person_records.entity_id <> s.entity_id)"
        )
    )
    c.execute(text("DROP TABLE entity_staging"))
    return len(assignment)


class LinkTx:
    """Linking new records: reads and writes on one connection, inside one transaction."""

    def __init__(self, connection: Connection, estimate: Callable[[Connection], int]) -> None:
        self.c = connection
        self._estimate = estimate

    def records_to_link(self, import_id: uuid.UUID, fields: Sequence[str]) -> list[dict]:
        return records_to_link(self.c, import_id, fields)

    def records_of_cases(
        self,
        cases: Iterable[tuple[str, str]],
        fields: Sequence[str],
        exclude: Iterable[uuid.UUID] = (),
    ) -> list[dict[str, Any]]:
        return records_of_cases(self.c, cases, fields, exclude)

    def estimated_record_count(self) -> int:
        return self._estimate(self.c)

    def replace_blocking_keys(self, keys: dict[uuid.UUID, Iterable[str]]) -> None:
        """Store the blocking keys of these records, replacing their old ones."""
        replace_keys(self.c, keys)

    def candidate_records(
        self,
        keys: Iterable[str],
        cap_of: Callable[[str], int],
        fields: Sequence[str],
        exclude: Iterable[uuid.UUID] = (),
        limit: int = 300,
    ) -> list[dict[str, Any]]:
        """The records sharing a blocking key with their `fields` (`Store.candidates` gives
        their ids only)."""
        return candidate_records(self.c, keys, cap_of, fields, exclude, limit)

    def prepared(self, kind: str, keys: Sequence[str]) -> list[tuple[str, str]]:
        """(key, value) of the stored prepared values of `kind` among `keys`."""
        return read_prepared(self.c, kind, keys)

    def add_prepared(self, rows: Sequence[tuple[str, str, str]], version: str) -> None:
        """Store prepared values (kind, key, value) of `version` not stored yet."""
        add_prepared(self.c, rows, version)

    def clear_pairs(self) -> None:
        """Drop every stored pair (a relink writes them all again, in the same transaction)."""
        self.c.execute(delete(match_pairs))

    def replace_all_pairs(self, pairs: Sequence[dict[str, Any]]) -> None:
        """Drop every stored pair and write these, which come in key order (a relink's),
        with SQLite's larger page cache (`bulk_cache`): the foreign keys look each pair's
        two records up in person_records, whose index a million records make far larger
        than the 2 MB cache (at a million, 16.5 s to drop and write 422,552 pairs with
        it, 12.2 s with the larger one)."""
        with bulk_cache(self.c):
            self.clear_pairs()
            write_pairs(self.c, pairs, ordered=True)

    def save_pairs(
        self,
        pairs: Sequence[dict[str, Any]],
        replacing: Iterable[uuid.UUID] = (),
        ordered: bool = False,
    ) -> None:
        """Insert scored pairs `{record_a, record_b, probability, band, model_version, reasons}`,
        first dropping the old pairs of the records in `replacing` (`ordered`: the pairs
        come in key order already)."""
        write_pairs(self.c, pairs, replacing, ordered)

    def sync_suggestions(
        self, rows: Sequence[dict[str, Any]], scope: Iterable[uuid.UUID] | None
    ) -> SuggestionSync:
        return sync_suggestions_on(self.c, rows, scope)

    def review_constraints(
        self, record_ids: Sequence[uuid.UUID]
    ) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
        """Confirmed (must-link) and rejected (cannot-link) pairs among these records."""
        return constraints_of(decided_among(self.c, record_ids))

    def mark_minor_persons(self, record_ids: Iterable[uuid.UUID]) -> int:
        """`suggestions.mark_minor_persons_on`, once the entities are assigned."""
        return mark_minor_persons_on(self.c, record_ids)

    def assign_entities(self, assignment: dict[uuid.UUID, uuid.UUID]) -> int:
        """Set the entity of each record, creating entities that do not exist yet."""
        return set_entities(self.c, assignment)
