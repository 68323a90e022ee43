"""The persisted family graph (`kin_edges`, `kin_keys`): reading a neighbourhood, and
writing the rows and keys of the persons an update recomputed.

Persons are text: an entity id, or ``record:<id>`` for a record not linked yet.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select

from models.store.base import Store
from models.store.batches import chunks
from models.store.bulk import write_rows
from models.store.serial import GRAPH_LOCK, serialised
from models.store.settings import delete_setting, read_setting, write_setting
from models.store.tracing import KINSHIP_COLUMNS
from models.tables import kin_edges, kin_keys, person_records, relations

GRAPH_VERSION = "family_graph_version"
"""The setting naming the version of the code that wrote the graph whole
(`tracing.graph_version`); absent while no graph is built."""
RECORD_PREFIX = "record:"
EDGE_COLUMNS = ("person", "seq", "other", "kind", "probability", "basis", "evidence", "reasons")
EDGE_NAMES = ("id", *EDGE_COLUMNS)


def _split(persons: Iterable[str]) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """(entity ids, ids of records that are persons of their own)."""
    entities, records = [], []
    for p in persons:
        if p.startswith(RECORD_PREFIX):
            records.append(uuid.UUID(p[len(RECORD_PREFIX) :]))
        else:
            entities.append(uuid.UUID(p))
    return entities, records


def _person(row: Any) -> str:
    entity = row["entity_id"]
    return str(entity) if entity else f"{RECORD_PREFIX}{row['id']}"


class KinGraphTx:
    """One transaction on the family graph's tables (and reads of records it needs)."""

    def __init__(self, c: Connection) -> None:
        self.c = c

    # reading ------------------------------------------------------------------

    def is_built(self) -> bool:
        return self.c.execute(select(kin_keys.c.person).limit(1)).first() is not None

    def version(self) -> str | None:
        return read_setting(self.c, GRAPH_VERSION)

    def kinship_of(self, persons: Iterable[str]) -> list[dict[str, Any]]:
        """The kinship columns of every record of these persons, in id order."""
        entities, records = _split(set(persons))
        columns = [person_records.c[name] for name in KINSHIP_COLUMNS]
        found: dict[Any, dict[str, Any]] = {}
        for column, ids in ((person_records.c.entity_id, entities), (person_records.c.id, records)):
            for chunk in chunks(ids):
                rows = self.c.execute(select(*columns).where(column.in_(chunk)))
                for row in rows:
                    found[row[0]] = dict(zip(KINSHIP_COLUMNS, row, strict=True))
        if records:  # a record that became part of an entity is no longer its own person
            wanted = set(persons)
            found = {k: v for k, v in found.items() if _person(v) in wanted}
        return [found[k] for k in sorted(found)]

    def persons_of_records(self, record_ids: Iterable[uuid.UUID]) -> dict[str, str]:
        """The person each of these records belongs to now (record id as text → person)."""
        found: dict[str, str] = {}
        for chunk in chunks(list(set(record_ids))):
            rows = self.c.execute(
                select(person_records.c.id, person_records.c.entity_id).where(
                    person_records.c.id.in_(chunk)
                )
            )
            found.update((str(r._mapping["id"]), _person(r._mapping)) for r in rows)
        return found

    def arriving_again(
        self, import_id: uuid.UUID, case_types: Iterable[str]
    ) -> tuple[set[str], set[str]]:
        """(the persons holding a record of this import of one of ``case_types`` and a
        record of an earlier import, the ids of their records of this import): the only
        persons whose arrival an import must flag. A record not linked is a person of its
        own, with no earlier record, so only entities are read, never the whole import."""
        new, old = person_records.alias("new"), person_records.alias("old")
        query = (
            select(new.c.entity_id)
            .distinct()
            .join(old, old.c.entity_id == new.c.entity_id)
            .where(
                new.c.import_id == import_id,
                new.c.entity_id.is_not(None),
                new.c.case_type.in_(sorted(case_types)),
                or_(old.c.import_id.is_(None), old.c.import_id != import_id),
            )
        )
        entities = sorted(self.c.execute(query).scalars())
        ids: set[str] = set()
        for chunk in chunks(entities):
            rows = self.c.execute(
                select(person_records.c.id).where(
                    person_records.c.import_id == import_id,
                    person_records.c.entity_id.in_(chunk),
                )
            )
            ids.update(str(r) for r in rows.scalars())
        return {str(e) for e in entities}, ids

    def record_ids_of_import(self, import_id: uuid.UUID) -> list[uuid.UUID]:
        query = select(person_records.c.id).where(person_records.c.import_id == import_id)
        return list(self.c.execute(query).scalars())

    def relations_touching(self, record_ids: Iterable[uuid.UUID]) -> list[tuple[str, str, str]]:
        """Declared relations with an end among these records: (record, relation, related)."""
        found: set[tuple[str, str, str]] = set()
        columns = (relations.c.record_id, relations.c.relation, relations.c.related_record_id)
        for chunk in chunks(list(set(record_ids))):
            rows = self.c.execute(
                select(*columns).where(
                    relations.c.record_id.in_(chunk) | relations.c.related_record_id.in_(chunk)
                )
            )
            found.update((str(a), kind, str(b)) for a, kind, b in rows)
        return sorted(found)

    def holders(self, keys: Iterable[str]) -> set[str]:
        """The persons filed under any of these keys."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(keys))):
            query = select(kin_keys.c.person).where(kin_keys.c.key.in_(chunk)).distinct()
            found.update(self.c.execute(query).scalars())
        return found

    def key_sizes(self, keys: Iterable[str]) -> dict[str, int]:
        """How many persons are filed under each key (absent: none)."""
        found: dict[str, int] = {}
        for chunk in chunks(sorted(set(keys))):
            query = (
                select(kin_keys.c.key, func.count())
                .where(kin_keys.c.key.in_(chunk))
                .group_by(kin_keys.c.key)
            )
            found.update({k: n for k, n in self.c.execute(query)})
        return found

    def keys_of(self, persons: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(sorted(set(persons))):
            query = select(kin_keys.c.key).where(kin_keys.c.person.in_(chunk))
            found.update(self.c.execute(query).scalars())
        return found

    def inferring_about(self, persons: Iterable[str]) -> set[str]:
        """The persons with an inference about one of these persons."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(persons))):
            query = (
                select(kin_edges.c.person)
                .where(kin_edges.c.other.in_(chunk), kin_edges.c.basis != "declared")
                .distinct()
            )
            found.update(self.c.execute(query).scalars())
        return found

    def inferred_by(
        self, persons: Iterable[str], *, heads: bool = False
    ) -> dict[str, list[dict[str, Any]]]:
        """The inference rows of each of these persons, in their order (``seq``); with
        ``heads``, without their evidence and reasons (empty)."""
        names = EDGE_NAMES[:-2] if heads else EDGE_NAMES
        columns = [kin_edges.c[name] for name in names]
        found: dict[str, list[dict[str, Any]]] = {}
        for chunk in chunks(sorted(set(persons))):
            query = (
                select(*columns)
                .where(kin_edges.c.person.in_(chunk), kin_edges.c.basis != "declared")
                .order_by(kin_edges.c.person, kin_edges.c.seq)
            )
            for row in self.c.execute(query):
                found.setdefault(row[1], []).append(
                    {"evidence": [], "reasons": [], **dict(zip(names, row, strict=True))}
                )
        return found

    def edges_touching(self, persons: Iterable[str], incoming: int | None = None) -> list[dict]:
        """Every edge row with one of these persons at either end; with ``incoming``, of
        the inferences other persons made about each of them only the ``incoming``
        likeliest (a common name makes a person the possible parent of hundreds)."""
        return self.rows_of(persons, None, None, limit=incoming)

    def rows_of(
        self,
        persons: Iterable[str],
        own: Iterable[str] | None,
        incoming: Iterable[str] | None,
        *,
        limit: int | None = None,
        floor: float = 0.0,
    ) -> list[dict[str, Any]]:
        """The edge rows of these persons' relations: their own rows of kinds ``own`` and
        the rows of others naming them of kinds ``incoming`` (None: any kind), at least
        ``floor`` likely. With ``limit``, of the inferences others made about each person
        only the ``limit`` likeliest (declarations all)."""
        columns = [kin_edges.c.id, *(kin_edges.c[name] for name in EDGE_COLUMNS)]
        likely = kin_edges.c.probability >= floor
        mine = likely if own is None else likely & kin_edges.c.kind.in_(sorted(own))
        named = likely if incoming is None else likely & kin_edges.c.kind.in_(sorted(incoming))
        theirs = named if limit is None else named & (kin_edges.c.basis == "declared")
        found: dict[int, dict[str, Any]] = {}
        persons = sorted(set(persons))
        for chunk in chunks(persons, 400):
            query = select(*columns).where(
                or_(
                    kin_edges.c.person.in_(chunk) & mine,
                    kin_edges.c.other.in_(chunk) & theirs,
                )
            )
            for row in self.c.execute(query):
                found[row[0]] = dict(zip(EDGE_NAMES, row, strict=True))
        if limit is not None:
            inferred = named & (kin_edges.c.basis != "declared")
            for person in persons:
                query = (
                    select(*columns)
                    .where(kin_edges.c.other == person, inferred)
                    .order_by(kin_edges.c.probability.desc(), kin_edges.c.person, kin_edges.c.seq)
                    .limit(limit)
                )
                for row in self.c.execute(query):
                    found[row[0]] = dict(zip(EDGE_NAMES, row, strict=True))
        return list(found.values())

    def all_edges(self, batch: int = 20_000) -> Iterator[dict[str, Any]]:
        """Every edge row without its surrogate id, in a stable order (to compare graphs)."""
        columns = [kin_edges.c[name] for name in EDGE_COLUMNS]
        query = select(*columns).order_by(
            kin_edges.c.person, kin_edges.c.seq, kin_edges.c.other, kin_edges.c.kind
        )
        for row in self.c.execute(query.execution_options(yield_per=batch)):
            yield dict(row._mapping)

    def all_keys(self) -> set[tuple[str, str]]:
        return {(k, p) for k, p in self.c.execute(select(kin_keys.c.key, kin_keys.c.person))}

    # writing ------------------------------------------------------------------

    def clear(self) -> None:
        """Drop the graph, and with it the version of the code that wrote it."""
        self.c.execute(delete(kin_edges))
        self.c.execute(delete(kin_keys))
        delete_setting(self.c, GRAPH_VERSION)

    def set_version(self, version: str) -> None:
        write_setting(self.c, GRAPH_VERSION, version)

    def forget(self, persons: Iterable[str], *, inferred: Iterable[str]) -> None:
        """Drop the keys and declared rows of ``persons`` (either end), and the inferred
        rows of ``inferred``."""
        persons = sorted(set(persons))
        for chunk in chunks(persons, 400):
            self.c.execute(delete(kin_keys).where(kin_keys.c.person.in_(chunk)))
            self.c.execute(
                delete(kin_edges).where(
                    kin_edges.c.basis == "declared",
                    or_(kin_edges.c.person.in_(chunk), kin_edges.c.other.in_(chunk)),
                )
            )
        for chunk in chunks(sorted(set(inferred))):
            self.c.execute(
                delete(kin_edges).where(
                    kin_edges.c.basis != "declared", kin_edges.c.person.in_(chunk)
                )
            )

    def add_edges(self, rows: list[dict[str, Any]]) -> None:
        write_rows(
            self.c,
            "kin_edges",
            EDGE_COLUMNS,
            (
                (
                    *(r[name] for name in EDGE_COLUMNS[:-2]),
                    json.dumps(r["evidence"]),
                    json.dumps(r["reasons"]),
                )
                for r in rows
            ),
        )

    def add_keys(self, rows: Iterable[tuple[str, str]]) -> None:
        write_rows(self.c, "kin_keys", ("key", "person"), rows)


@contextmanager
def kin_graph(store: Store) -> Iterator[KinGraphTx]:
    """One transaction on the family graph, committed when the block ends without error.
    Writers take turns (`BEGIN IMMEDIATE` on SQLite, a transaction-level advisory lock on
    PostgreSQL): two updates that read the same persons' rows and keys never interleave,
    and an update waits for a rebuild instead of being overwritten by it."""
    with serialised(store.engine, GRAPH_LOCK) as connection:
        yield KinGraphTx(connection)


@contextmanager
def kin_graph_read(store: Store) -> Iterator[KinGraphTx]:
    with store.engine.connect() as c:
        yield KinGraphTx(c)
