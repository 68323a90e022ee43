"""The persisted family graph: rebuilt whole by `nrm graph rebuild`, updated for the
persons an import, a review decision or a revert touched, read by neighbourhood.

An update recomputes the inferences of the touched persons and of those readers of them
(`tracing.kinindex.READERS`, found through `kin_keys`) whose crowds moved or whose
stored rows cannot tell; the other readers only gain what they infer about the
newcomers (`_extend`). Edge rows are a pure function
of each person's inferences and of the declarations (`tracing.stored`), so after an
update the tables hold exactly what a full rebuild would write (tested on both
databases).

The store remembers the version of the code that wrote the graph whole
(`tracing.graph_version`). A graph of another version counts as not built: updates leave
it alone (`deferred`) and the first query builds it again, as after a relink.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from models.store import Store
from models.store.kingraph import KinGraphTx, kin_graph, kin_graph_read
from models.store.tracing import kinship_rows, relation_rows
from service.context import ADMIN, Actor, UseCases
from service.memory import collector_paused
from tracing import kinindex
from tracing.graph import PARENT_KINDS, FamilyGraph, Population
from tracing.graph_version import graph_version
from tracing.infer import Inferred, infer_for
from tracing.kinindex import KinIndex, crowds
from tracing.persons import DeclaredRelation, Profile, TracingRecord, build_profiles
from tracing.relatives import SIBLINGS, read_around
from tracing.stored import (
    SEP,
    EdgeRow,
    assemble,
    children_in,
    declared_rows,
    encode_key,
    extended,
    inferred_rows,
    member_key,
    person_keys,
    read_keys,
    reader_keys,
)

REBUILD = frozenset({ADMIN})
BATCH = 5000
INCOMING = 30
"""How many of the inferences other persons made about one person a query reads, the
likeliest: enough for the ten relatives it ranks and the brothers and sisters it derives."""
CHILD = frozenset({"child"})
FOLLOWED_INCOMING = 12
FOLLOWED_FLOOR = 0.2
"""Of the persons whose relations the ranking follows (`tracing.relatives.Around`), a
query reads only the relations it follows (a parent's children, a child's parents, a
sibling's parents and siblings), at least this likely (what follows from a weaker one
ranks too low to be shown), and the likeliest inferences others made about them."""


def as_tracing_record(row: dict[str, Any]) -> TracingRecord:
    return TracingRecord(
        **{
            **row,
            "id": str(row["id"]),
            "entity_id": str(row["entity_id"]) if row["entity_id"] else None,
        }
    )


def load(
    store: Store, tx: KinGraphTx | None = None
) -> tuple[list[TracingRecord], list[DeclaredRelation]]:
    """Every record's kinship columns and every declared relation (streamed read), through
    the graph's transaction when given: one snapshot, and no second connection taken while
    other writers wait for the graph's lock with theirs."""
    source = tx.c if tx is not None else store
    records = [as_tracing_record(row) for row in kinship_rows(source)]
    declared = [DeclaredRelation(str(a), kind, str(b)) for a, kind, b in relation_rows(source)]
    return records, declared


def _profiles(tx: KinGraphTx, persons: Iterable[str]) -> dict[str, Profile]:
    return build_profiles([as_tracing_record(r) for r in tx.kinship_of(persons)])


def rebuild_graph(store: Store, on_persons: Callable[[int], None] | None = None) -> dict:
    """Write the whole family graph again from the records and declared relations; the
    summary says the version of the graph it replaced (``from``) and its own (``to``)."""
    with kin_graph(store) as tx:
        before = tx.version()
        summary = _write_all(store, tx, on_persons)
    return {**summary, "from": before, "to": graph_version()}


def _current(tx: KinGraphTx) -> bool:
    """Whether the graph is built, by code that writes what this code would."""
    return tx.is_built() and tx.version() == graph_version()


def graph_status(store: Store) -> dict[str, Any]:
    """The version of the stored graph, the code's, and whether the stored graph can be
    read (``current``: it is this code's, or none is built and the first query builds
    it)."""
    with kin_graph_read(store) as tx:
        built, stored = tx.is_built(), tx.version()
    current = not built or stored == graph_version()
    return {"stored": stored, "code": graph_version(), "current": current, "built": built}


def _build_if_missing(store: Store) -> None:
    """Build the graph for a first query (again, when another version of the code wrote
    it), unless another query built it meanwhile."""
    with kin_graph(store) as tx:
        if not _current(tx):
            _write_all(store, tx, None)


def _write_all(store: Store, tx: KinGraphTx, on_persons: Callable[[int], None] | None) -> dict:
    """Read under the graph's lock, so that an update waiting for it comes after. Python's
    cyclic collector is paused meanwhile, as for linking: it walked the population's
    profiles and indexes again and again for nothing (98,060 records: 114.4 s with it,
    86.6 s without, the same rows)."""
    with collector_paused():
        return _write_everything(store, tx, on_persons)


def _write_everything(
    store: Store, tx: KinGraphTx, on_persons: Callable[[int], None] | None
) -> dict:
    started = time.perf_counter()
    records, declared = load(store, tx)
    population = Population.build(records, declared)
    edges = keys = 0
    tx.clear()
    rows = [r.as_row() for r in declared_rows(declared, population.person_of)]
    keyed: list[tuple[str, str]] = []
    for n, person in enumerate(sorted(population.profiles), 1):
        found = infer_for(population.index, person)
        rows.extend(r.as_row() for r in inferred_rows(person, found))
        keyed.extend((k, person) for k in person_keys(population.profiles[person]))
        if len(rows) >= BATCH or len(keyed) >= BATCH:
            tx.add_edges(rows)
            tx.add_keys(keyed)
            edges, keys, rows, keyed = edges + len(rows), keys + len(keyed), [], []
        if on_persons is not None and n % 1000 == 0:
            on_persons(1000)
    tx.add_edges(rows)
    tx.add_keys(keyed)
    tx.set_version(graph_version())
    edges, keys = edges + len(rows), keys + len(keyed)
    if on_persons is not None:
        on_persons(len(population.profiles) % 1000)
    return {
        "persons": len(population.profiles),
        "edges": edges,
        "keys": keys,
        "seconds": round(time.perf_counter() - started, 2),
    }


def update_graph(store: Store, record_ids: Iterable[uuid.UUID]) -> dict[str, Any]:
    """Bring the graph up to date after these records changed (content or person). A graph
    not built stays so (`deferred`), as does a graph of another version of the code: the
    first query, or `nrm graph rebuild`, builds it."""
    ids = {uuid.UUID(str(r)) for r in record_ids}
    with kin_graph(store) as tx:
        if not _current(tx):
            return {"mode": "deferred"}
        return {"mode": "incremental", **_update(tx, ids)}


def graph_is_built(store: Store) -> bool:
    """Whether a graph this code can update is built (one of another version is not)."""
    with kin_graph_read(store) as tx:
        return _current(tx)


def defer_graph(store: Store) -> dict[str, Any]:
    """Drop the graph after the whole population was linked again: rebuilding it costs
    more than the relink itself at scale, so the first query (or `nrm graph rebuild`)
    builds it, and an import or a relink that nobody traces from pays nothing."""
    with kin_graph(store) as tx:
        dropped = tx.is_built()
        tx.clear()
    return {"mode": "deferred", "dropped": dropped}


def update_graph_for_import(
    store: Store, import_id: uuid.UUID, named: Iterable[str] = ()
) -> dict[str, Any]:
    """Update the graph for the records of an import and the stored records its
    relations file ``named`` (their persons gain declared relations)."""
    with kin_graph_read(store) as tx:
        if not _current(tx):
            return {"mode": "deferred"}
        ids = tx.record_ids_of_import(import_id)
    return update_graph(store, [*ids, *(uuid.UUID(hex=h) for h in named)])


def _read(key: str, size: int) -> bool:
    """Whether the persons reading this key take its persons as candidates (or count
    them): a case file always, a name only while few persons bear it."""
    return key.startswith("case" + SEP) or size <= kinindex.MAX_CANDIDATES


def _update(tx: KinGraphTx, ids: set[uuid.UUID]) -> dict[str, Any]:
    """Recompute the inferences of the touched persons and of the readers of their names
    whose crowds moved (`tracing.kinindex.crowds`); the other readers keep their stored
    rows, those about the touched persons replaced by what they now infer about the
    newcomers (`tracing.stored.extended`), or are recomputed too when the rows cannot
    tell (an inference about a touched person left a kind that was full)."""
    member_prefix = member_key("")
    old = tx.holders(member_key(str(r)) for r in ids)
    formerly = {
        uuid.UUID(k[len(member_prefix) :]) for k in tx.keys_of(old) if k.startswith(member_prefix)
    }
    new = set(tx.persons_of_records(ids | formerly).values())
    touched = old | new
    profiles = _profiles(tx, new)
    newcomers = set(profiles)
    new_keys = {p: person_keys(profile) for p, profile in profiles.items()}
    keys = tx.keys_of(touched) | {k for ks in new_keys.values() for k in ks}
    before = tx.key_sizes(keys)
    tx.forget(touched, inferred=())
    tx.add_keys((k, p) for p, ks in new_keys.items() for k in ks)
    after = tx.key_sizes(keys)
    read = {k for k in keys if _read(k, before.get(k, 0)) or _read(k, after.get(k, 0))}
    inferring = tx.inferring_about(touched)
    readers = (tx.holders(reader_keys(read)) | inferring) - touched

    members = {uuid.UUID(r.id) for p in profiles.values() for r in p.records}
    declared = [DeclaredRelation(*r) for r in tx.relations_touching(members | ids | formerly)]
    ends = {uuid.UUID(x) for r in declared for x in (r.record, r.related)}
    tx.add_edges([r.as_row() for r in declared_rows(declared, tx.persons_of_records(ends))])

    profiles.update(_profiles(tx, readers))
    readers &= set(profiles)
    reads: dict[str, tuple[str, Any]] = {}
    for person in readers | newcomers:
        reads.update(read_keys(profiles[person]))
    sizes = tx.key_sizes(reads)
    earlier = {**sizes, **{k: before.get(k, 0) for k in keys & set(reads)}}
    now, then = _sizes(sizes), _sizes(earlier)
    moved = {r for r in readers if crowds(profiles[r], then) != crowds(profiles[r], now)}
    full = newcomers | moved
    index = KinIndex.build(profiles, {reads[k]: sizes.get(k, 0) for k in reads})
    rows, changing, unsure = _extend(tx, index, readers - full, newcomers, touched, inferring)
    full |= unsure
    wanted = {k for p in full for k in read_keys(profiles[p]) if _read(k, sizes.get(k, 0))}
    profiles.update(_profiles(tx, tx.holders(wanted) - set(profiles)))
    index = KinIndex.build(profiles, {reads[k]: sizes.get(k, 0) for k in reads})
    for person in sorted(full):
        rows.extend(inferred_rows(person, infer_for(index, person)))
    tx.forget((), inferred=full | touched | changing)
    tx.add_edges([r.as_row() for r in rows])
    return {
        "touched": len(touched),
        "recomputed": len(full),
        "extended": len(changing),
        "edges": len(rows),
    }


def _extend(
    tx: KinGraphTx,
    index: KinIndex,
    readers: set[str],
    newcomers: set[str],
    touched: set[str],
    inferring: set[str],
) -> tuple[list[EdgeRow], set[str], set[str]]:
    """(the new rows, the readers they belong to, the readers to recompute whole) of
    readers whose crowds stayed put: what they infer about the newcomers merged into
    their stored rows, their inferences about the touched persons (``inferring``)
    replaced. Decided on the rows' heads; evidence and reasons are read only for the
    readers whose rows change (the same heads about a touched person may come with
    other evidence: its records changed)."""
    found = {p: infer_for(index, p, among=newcomers) for p in sorted(readers)}
    found = {p: f for p, f in found.items() if f or p in inferring}

    def kept(person: str, was: list[EdgeRow]) -> list[Inferred] | None:
        return extended(was, found[person], touched if person in inferring else ())

    heads = tx.inferred_by(found, heads=True)
    changing: set[str] = set()
    unsure: set[str] = set()
    for person in found:
        was = [EdgeRow.of(r) for r in heads.get(person, [])]
        if (merged := kept(person, was)) is None:
            unsure.add(person)
        elif person in inferring or _heads(inferred_rows(person, merged)) != _heads(was):
            changing.add(person)
    stored = tx.inferred_by(changing)
    rows: list[EdgeRow] = []
    for person in sorted(changing):
        merged = kept(person, [EdgeRow.of(r) for r in stored.get(person, [])])
        assert merged is not None, "decided on the same heads above"
        rows.extend(inferred_rows(person, merged))
    return rows, changing, unsure


def _heads(rows: list[EdgeRow]) -> list[tuple]:
    """What tells inference rows apart besides their evidence and reasons."""
    return [(r.seq, r.other, r.kind, r.basis, r.probability) for r in rows]


def _sizes(sizes: dict[str, int]) -> Callable[[str, Any], int]:
    return lambda table, key: sizes.get(encode_key(table, key), 0)


def neighbourhood(store: Store, person: str) -> FamilyGraph | None:
    """The graph around ``person`` as `tracing.relatives` reads it: every relation of the
    person, every relation of its likely parents, children and brothers and sisters
    (`read_around`), the parents of its parents' children, and the profiles of everyone
    they name; None when the person has no record. A graph not built, or written by
    another version of the code, is built first."""
    with kin_graph_read(store) as tx:
        if _current(tx):
            return _around(tx, person)
    _build_if_missing(store)
    with kin_graph_read(store) as tx:  # once: a store with no record builds no graph
        return _around(tx, person)


def _around(tx: KinGraphTx, person: str) -> FamilyGraph | None:
    rows: dict[int, EdgeRow] = {}

    def read(found: list[dict[str, Any]]) -> list[EdgeRow]:
        fresh = {r["id"]: EdgeRow.of(r) for r in found if r["id"] not in rows}
        rows.update(fresh)
        return list(fresh.values())

    own = read(tx.edges_touching([person], INCOMING))
    profiles = _profiles(tx, {x for r in own for x in (r.person, r.other)} | {person})
    if person not in profiles:
        return None
    around = read_around(assemble(profiles, own), person)
    follow = {"limit": FOLLOWED_INCOMING, "floor": FOLLOWED_FLOOR}
    near = [
        *read(tx.rows_of(around.siblings, SIBLINGS | PARENT_KINDS, SIBLINGS | CHILD, **follow)),
        *read(tx.rows_of(around.parents, CHILD, PARENT_KINDS, **follow)),
        *read(tx.rows_of(around.children, PARENT_KINDS, CHILD, **follow)),
    ]
    theirs = children_in([*own, *near], set(around.parents)) - around.everyone - {person}
    read(tx.rows_of(theirs, PARENT_KINDS, CHILD, **follow))
    named = {x for r in rows.values() for x in (r.person, r.other)}
    profiles.update(_profiles(tx, named - set(profiles)))
    edges = [r for r in rows.values() if r.person in profiles and r.other in profiles]
    return assemble(profiles, edges)


class FamilyGraphs(UseCases):
    def rebuild_family_graph(
        self, actor: Actor, on_persons: Callable[[int], None] | None = None
    ) -> dict[str, Any]:
        """Write the family graph again from every record (`nrm graph rebuild`)."""
        actor.require(REBUILD)
        summary = rebuild_graph(self.store, on_persons)
        self.audit(actor, "graph_rebuild", None, (), **summary)
        return summary
