"""Linking stored records: the records of an import against the stored population
(incremental), and the whole population again (`nrm relink`).

Both call the same matching pipeline (`matching.pipeline`) as `nrm link`, so batch and
incremental matching share normalisers, keys, comparisons and model.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from matching.blocking import block_cap
from matching.cluster import ClusterResult, members, mergeable
from matching.columns import NATURAL_ORDER, build_columns
from matching.guards import Traits
from matching.model import FSModel
from matching.pipeline import cluster_scored, match_new, row_pairs
from matching.prepared import prepared_version
from matching.record_keys import all_record_keys
from matching.scoring import Scores
from models.store import Store
from models.store.base import estimated_record_count
from models.store.linking import LinkTx
from service.clock import Clock
from service.keys import ensure_current_keys, keys_stale
from service.kingraph import graph_is_built
from service.memory import settle_loaded
from service.pairs import MATCH_FIELDS, pair_rows, review_unmerged
from service.prepared import StoredPrepared, ensure_current_prepared
from service.registry import (
    active_learned,
    model_in_use,
    model_version,
    rescorer,
)
from service.relinking import relink_all
from service.scoring import rescore_unsettled, suggestion_rows

FULL_RELINK_SHARE = 0.5
"""An import of at least this share of the population is linked with the whole of it."""
INCREMENTAL_MS_PER_RECORD = 6.0
"""What linking one new record against the stored population costs, about (5 to 12 ms
in `bench.import_sizes`: each new record is compared with up to 300 candidates read
from the stored keys)."""
RELINK_MS_PER_RECORD = 0.3
"""What a relink costs a stored record, about (0.27 ms at 250k and at a million records,
0.34 ms at 49k: `nrm relink` in the benchmark)."""
RELINK_FIXED_MS = 1_000.0
"""What a relink costs whatever the population (workers, the model's fit; 2,000 records
take about 1 s in all)."""
GRAPH_UPDATE_MS_PER_RECORD = 65.0
"""Where the family graph is built: what an incremental import adds a new record to
update it (a monthly file of 1,997 records into 993,275: about 130 s of its 157 s)."""
GRAPH_REBUILD_MS_PER_RECORD = 1.5
"""Where the family graph is built: what its rebuild after a relink costs a stored record
(1,517 s at 993,325 records), paid by the first relatives query or `nrm graph rebuild`."""
REFIT_GROWTH = 2.0
"""The population grown this many times since the model was fitted: the import links the
whole population again, refitting the model (a model fitted on the first few hundred
records is too rough for the thousands after them). Doubling makes the full relinks rare
as the registry grows: their cost, spread over the imports, stays that of linking once."""


def link_import(
    store: Store, import_id: uuid.UUID, *, incremental_only: bool = False
) -> dict[str, Any]:
    """Link the records of one import, and any stored record still without a person,
    against the stored population.

    `incremental_only`: in a population of more than `DESK_WHOLE_MOST` records, link them
    against their candidates or not at all. Where this import would rebuild every stored
    key or link the whole population again (`whole_population_reason`), its records are
    left pending for the next import or `nrm relink` (`mode` "deferred", `because` why):
    a tracing request taken at a desk must not hold a web request for the minutes a
    million records take, nor let any officer start a relink.

    Two short transactions on one connection each (`Store.linking`): the first
    stores the new records' keys and reads their candidates with the fields
    matching needs (`_store_keys_and_find_candidates`) and the reviewers' constraints
    among them; the second writes pairs, suggestions and entities, and the prepared
    values worked out meanwhile (the candidates' names and places are read prepared:
    `service.prepared`). Matching and clustering run between the two, holding no lock
    (SQLite's write lock would stop every other writer meanwhile); between matching and
    clustering, the records of the persons a new record may join are read
    (`_persons_met`), as their entities stood when the candidates were read: a relink
    or a merge meanwhile can move records, as it can before the second transaction
    writes (the next link or relink sees them as they are).
    Once the entities are assigned, the suggestions of the persons the import's records
    and pairs are in are marked for two reviewers where a decision would ask for them
    (`LinkTx.mark_minor_persons`: the whole persons are read, not the pair's records
    alone). `timings_ms` tells where the time went.
    """
    clock = Clock()
    if incremental_only:
        with store.engine.connect() as c:
            incremental_only = estimated_record_count(c) > DESK_WHOLE_MOST
    if incremental_only and keys_stale(store):
        return _deferred(store, import_id, "keys_version")
    rebuilt = ensure_current_keys(store)
    ensure_current_prepared(store)
    settle_loaded()
    prepared = StoredPrepared(store.prepared)
    clock("keys_version")
    model, model_stale = model_in_use(store)
    learned = active_learned(store, model)
    clock("model")
    with store.linking() as tx:
        new = sorted(tx.records_to_link(import_id, MATCH_FIELDS), key=_natural_order)
        if not new:
            empty = {"records": 0, "pairs": 0, "match": 0, "review": 0, "entities": 0}
            return {**empty, **({"keys_rebuilt": rebuilt} if rebuilt else {})}
        population = tx.estimated_record_count()
        clock("new_records")
        relink = whole_population_reason(
            len(new), population, model, graph_is_built(store), model_stale
        )
        if relink and incremental_only:
            return {"mode": "deferred", "because": relink, "records": len(new)}
        candidates = (
            []
            if relink
            else _store_keys_and_find_candidates(tx, new, clock, prepared.through(tx.prepared))
        )
        if not relink:
            ids = [r["id"] for r in [*new, *candidates]]
            confirmed, rejected = tx.review_constraints(ids)
            clock("constraints")
    if relink:
        summary = {**relink_all(store), "because": relink}
        return {**summary, **({"keys_rebuilt": rebuilt} if rebuilt else {})}
    clock("candidates")
    columns, a, b, scores, bands = match_new(
        new,
        candidates,
        model,
        population_size=population,
        rescore=rescorer(model, learned),
        on_stage=clock,
        prepared=prepared,
    )
    existing = {r["id"]: r["entity_id"] for r in candidates}
    entities = _persons_met(columns, a, b, scores, model, len(new), existing, confirmed)
    persons = store.records_of_entities(entities, PERSON_TRAIT_FIELDS)
    clock("persons")
    result = _cluster_new(
        columns, a, b, scores, model, len(new), existing, confirmed, rejected, persons
    )
    bands, held = review_unmerged(bands, a, b, result.to_review, scores.held)
    scores = replace(scores, held=held)
    clock("cluster")
    pairs = pair_rows(columns, a, b, scores, bands, model_version(model, learned))
    clock("reasons")
    new_ids = {r["id"] for r in new}
    with store.linking() as tx:
        tx.save_pairs(pairs, replacing=new_ids)
        clock("save_pairs")
        by_id = {r["id"]: r for r in [*new, *candidates]}
        suggestions = suggestion_rows(pairs, by_id)
        suggested = tx.sync_suggestions(suggestions, scope=new_ids)
        clock("suggestions")
        assignment = _assignment(columns, result.labels, len(new), existing)
        tx.assign_entities(assignment)
        entities_count = len(set(assignment.values()))
        clock("entities")
        # the persons as this import leaves them: a pair whose merge would join a
        # possible child's person, or one of unknown age, needs two reviewers
        tx.mark_minor_persons(new_ids.union(*((s["record_a"], s["record_b"]) for s in suggestions)))
        clock("minors")
        tx.add_prepared(prepared.rows(), prepared_version())
        clock("prepared")
    clock("commit")
    rescore_unsettled(store, suggested.unsettled)
    counts = Counter(bands.tolist())
    return {
        "mode": "incremental",
        "records": len(new),
        "candidates": len(candidates),
        "pairs": len(a),
        "match": counts.get("match", 0),
        "review": counts.get("review", 0),
        "suggestions": suggested.new,
        "entities": entities_count,
        **({"keys_rebuilt": rebuilt} if rebuilt else {}),
        "timings_ms": clock.steps,
    }


DESK_WHOLE_MOST = 20_000
"""Up to this many stored records, a desk's import may still link the whole population
again (seconds); above, its records wait (`link_import`'s `incremental_only`)."""


def _deferred(store: Store, import_id: uuid.UUID, because: str) -> dict[str, Any]:
    with store.linking() as tx:
        waiting = len(tx.records_to_link(import_id, ("id",)))
    return {"mode": "deferred", "because": because, "records": waiting}


def whole_population_reason(
    new: int,
    population: int,
    model: FSModel,
    graph_built: bool = False,
    model_stale: bool = False,
) -> str | None:
    """Why an import of ``new`` records to link, ``population`` stored with them, links
    the whole population again rather than only its records; None: it links
    incrementally.

    ``first``: nothing was stored before; ``share``: the records to link are half the
    population or more; ``refit``: the population has doubled since the model was
    fitted; ``stale_model``: the stored model was fitted by a code that scored
    otherwise (`matching.model.SCORING`), and linking everyone refits it; ``cost``:
    comparing each new record with its stored candidates (and, where the family graph
    is built, updating it for each) would take longer than linking
    everything again (and rebuilding the graph). At a million records: from about 50,000
    new ones, or 25,000 with a built graph.
    """
    if new >= population:
        return "first"
    if new >= FULL_RELINK_SHARE * population:
        return "share"
    if model_stale:
        return "stale_model"
    if _outgrown(model, population):
        return "refit"
    one_by_one = INCREMENTAL_MS_PER_RECORD + (GRAPH_UPDATE_MS_PER_RECORD if graph_built else 0)
    again = RELINK_MS_PER_RECORD + (GRAPH_REBUILD_MS_PER_RECORD if graph_built else 0)
    if new * one_by_one >= RELINK_FIXED_MS + population * again:
        return "cost"
    return None


def _outgrown(model: FSModel, population: int) -> bool:
    fitted_on = model.notes.get("records")
    return isinstance(fitted_on, int) and population >= REFIT_GROWTH * fitted_on


def _store_keys_and_find_candidates(
    tx: LinkTx, new: list[dict[str, Any]], clock: Clock, prepared: StoredPrepared
) -> list[dict[str, Any]]:
    """Store the blocking keys of the new records, then read the records sharing them.

    The keys go in first, as in batch blocking: a block counts the new records too
    when it is checked against its cap. Some keys come from a record's whole case
    (the village of another member): when an import adds to a case already stored,
    the keys of the new records and of the stored members are worked out together
    from the whole case, and the members' stored keys are refreshed, as a batch
    link would give them.
    """
    new_ids = {r["id"] for r in new}
    cases = {(r["source"], r["case_id"]) for r in new if r.get("case_id")}
    kin = tx.records_of_cases(cases, MATCH_FIELDS, exclude=new_ids) if cases else []
    together = [*new, *kin]
    keys = all_record_keys(build_columns(together, prepared=prepared))
    tx.replace_blocking_keys({r["id"]: k for r, k in zip(together, keys, strict=True)})
    keys = keys[: len(new)]
    clock("keys")
    found: dict[Any, dict[str, Any]] = {}
    for batch in _key_batches(keys):
        for record in tx.candidate_records(
            batch.keys,
            block_cap,
            MATCH_FIELDS,
            exclude=new_ids,
            limit=CANDIDATES_PER_RECORD * batch.records,
        ):
            found.setdefault(record["id"], record)
    return sorted(found.values(), key=_natural_order)


def _natural_order(record: dict[str, Any]) -> tuple[str, ...]:
    """Records in the order of what they are (`columns.NATURAL_ORDER`), the same on both
    databases whatever their collation, and never by their stored ids (drawn at random
    on import): where ties are broken by order, the same files then give the same
    persons."""
    return tuple(record[name] for name in NATURAL_ORDER)


CANDIDATES_PER_RECORD = 300
"""The stored records read for one new record: those sharing the most keys with it."""
KEYS_PER_LOOKUP = 400
"""Keys looked up in one statement (SQLite allows 500 terms in a compound SELECT)."""


@dataclass(frozen=True, slots=True)
class _KeyBatch:
    keys: frozenset[str]
    records: int


def _key_batches(keys: Sequence[Sequence[str]]) -> list[_KeyBatch]:
    """The new records' keys in lookups of at most `KEYS_PER_LOOKUP` keys, each with the
    number of records it serves (its candidate limit grows with them): an import of any
    size reads its candidates in statements of bounded size. The candidates of a lookup
    are ranked by the keys they share with all its records, not with each one."""
    batches: list[_KeyBatch] = []
    current: set[str] = set()
    records = 0
    for own in keys:
        own = set(own)
        if current and len(current | own) > KEYS_PER_LOOKUP:
            batches.append(_KeyBatch(frozenset(current), records))
            current, records = set(), 0
        current |= own
        records += 1
    if current:
        batches.append(_KeyBatch(frozenset(current), records))
    return batches


PERSON_TRAIT_FIELDS = (
    "entity_id",
    "role",
    "sex",
    "birth_earliest",
    "birth_latest",
    "registered_on",
)
"""What the person guards read of every stored record of a person a new record may join
(`_persons_met`)."""


def _persons_met(
    columns: Any,
    a: np.ndarray,
    b: np.ndarray,
    scores: Scores,
    model: FSModel,
    new_count: int,
    existing: dict[uuid.UUID, uuid.UUID | None],
    confirmed: list[tuple[Any, Any]],
) -> set[uuid.UUID]:
    """The stored persons whose every record the person guards must read: those of the
    candidates a new record may join (a pair clustering may follow: `cluster.mergeable`)
    or that a reviewer confirmed. Clustering tests the traits of a person only when one of its
    records is about to join another cluster; the other candidates' persons (most of a
    few hundred) are never tested, so their records are not read."""
    followed = mergeable(scores.probability, model.match_threshold, scores.held)
    rows = np.union1d(a[followed], b[followed])
    ids = [columns.ids[r] for r in rows[rows >= new_count].tolist()]
    ids += [record for pair in confirmed for record in pair]
    return {entity for record in ids if (entity := existing.get(record)) is not None}


def _cluster_new(
    columns: Any,
    a: np.ndarray,
    b: np.ndarray,
    scores: Scores,
    model: FSModel,
    new_count: int,
    existing: dict[uuid.UUID, uuid.UUID | None],
    confirmed: list[tuple[Any, Any]],
    rejected: list[tuple[Any, Any]],
    persons: list[dict[str, Any]],
) -> ClusterResult:
    """Cluster the new records with their candidates. A candidate stands for its whole
    stored person: the candidates of one person are linked, and the person guards read
    every record of the person (a suspect never joins a child's person because the
    child's record was not among the candidates)."""
    must = []
    by_entity: dict[uuid.UUID, int] = {}
    for row in range(new_count, len(columns)):
        entity = existing.get(columns.ids[row])
        if entity is None:
            continue
        first = by_entity.setdefault(entity, row)
        if first != row:
            must.append((first, row))
    must += row_pairs(columns, confirmed)
    person_of_row = [existing.get(i) for i in columns.ids]
    traits = Traits.of(columns).widened(person_of_row, persons)
    return cluster_scored(columns, a, b, scores, model, must, row_pairs(columns, rejected), traits)


def _assignment(
    columns: Any,
    labels: np.ndarray,
    new_count: int,
    existing: dict[uuid.UUID, uuid.UUID | None],
) -> dict[uuid.UUID, uuid.UUID]:
    """New records join the entity they cluster with; existing entities are never merged
    here (the most common one among a cluster's stored records is kept)."""
    assignment: dict[uuid.UUID, uuid.UUID] = {}
    for rows in members(labels).values():
        new_rows = [r for r in rows if r < new_count]
        if not new_rows:
            continue
        known = Counter(
            existing[columns.ids[r]]
            for r in rows
            if r >= new_count and existing.get(columns.ids[r])
        )
        entity = known.most_common(1)[0][0] if known else uuid.uuid4()
        for r in new_rows:
            assignment[columns.ids[r]] = entity
    return assignment
