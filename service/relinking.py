"""Linking the whole stored population again (`nrm relink`): batch linkage over every
stored record, the model refitted, the blocking keys rebuilt, entity ids kept where
membership allows."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from matching.blocking import iter_record_keys
from matching.cluster import members
from matching.columns import build_columns
from matching.keys_version import keys_version
from matching.parallel import Background
from matching.pipeline import link
from models.store import Store
from service.context import ADMIN, Actor, UseCases
from service.kingraph import defer_graph
from service.linkfile import stable_entity_id
from service.pairs import MATCH_FIELDS, pair_rows, review_unmerged
from service.registry import active_learned, active_model, model_version, rescorer
from service.scoring import suggestion_rows

RELINK = frozenset({ADMIN})

SUGGESTION_FIELDS = ("case_type", "source", "birth_latest", "registered_on")
"""What a suggestion row reads of its two records (`service.scoring.suggestion_row`)."""


def relink_all(store: Store, household: bool = True) -> dict[str, Any]:
    """Link the whole stored population again (batch), refit the model, keep entity ids.

    The records stream from the store into the matching columns as `nrm link` reads a
    file; of each record only its entity and the fields a suggestion reads stay in
    memory beside the columns. The keys are rebuilt as one streamed transaction, in a
    forked process while this one links (the keys read the columns only; nothing else
    is written until both are done).
    """
    previous: dict[uuid.UUID, uuid.UUID | None] = {}
    brief: dict[uuid.UUID, dict[str, Any]] = {}

    def stream() -> Iterator[dict[str, Any]]:
        for row in store.iter_link_rows(MATCH_FIELDS):
            previous[row["id"]] = row["entity_id"]
            brief[row["id"]] = {f: row.get(f) for f in SUGGESTION_FIELDS}
            yield row

    confirmed, rejected = store.review_constraints()
    model = active_model(store)
    learned = active_learned(store)
    columns = build_columns(stream(), "id")
    keys = Background(
        lambda: store.rebuild_keys(
            _keys_in_batches(columns.ids, iter_record_keys(columns)), keys_version()
        ),
        len(columns),
        in_child=store.forget_connections,
    )
    result = link(
        columns,
        model,
        household=household,
        must_link=confirmed,
        cannot_link=rejected,
        rescore=rescorer(model, learned),
        keep="review",
    )
    keys.wait()
    store.save_model(result.model.version, result.model.to_json())
    ids = result.columns.ids
    store.clear_pairs()
    bands = review_unmerged(result.bands, result.a, result.b, result.clusters.to_review)
    version = model_version(result.model, learned)
    pairs = pair_rows(result.columns, result.a, result.b, result.scores, bands, version)
    with store.linking() as tx:
        tx.save_pairs(pairs)
    suggested = store.sync_suggestions(suggestion_rows(pairs, brief), scope=None)
    assignment: dict[uuid.UUID, uuid.UUID] = {}
    groups = [[ids[r] for r in rows] for rows in members(result.clusters.labels).values()]
    used: set[uuid.UUID] = set()
    for group in sorted(groups, key=len, reverse=True):
        known = Counter(previous[i] for i in group if previous.get(i) and previous[i] not in used)
        entity = known.most_common(1)[0][0] if known else stable_entity_id(str(i) for i in group)
        used.add(entity)
        for i in group:
            assignment[i] = entity
    with store.linking() as tx:
        tx.assign_entities(assignment)
    counts = Counter(bands.tolist())
    return {
        "mode": "batch",
        "records": len(ids),
        "pairs": result.blocking.pairs,
        "match": counts.get("match", 0),
        "review": counts.get("review", 0),
        "suggestions": suggested.new,
        "entities": len(groups),
    }


def _keys_in_batches(
    ids: Sequence[uuid.UUID], keys: Iterator[list[str]], size: int = 50_000
) -> Iterator[dict[uuid.UUID, list[str]]]:
    batch: dict[uuid.UUID, list[str]] = {}
    for record_id, record_keys in zip(ids, keys, strict=True):
        batch[record_id] = record_keys
        if len(batch) >= size:
            yield batch
            batch = {}
    if batch:
        yield batch


class Linking(UseCases):
    def relink(self, actor: Actor, household: bool = True) -> dict[str, Any]:
        """Link the whole stored population again (`nrm relink`)."""
        actor.require(RELINK)
        summary = relink_all(self.store, household=household)
        summary["graph"] = defer_graph(self.store)
        self.audit(
            actor,
            "relink",
            None,
            (),
            records=summary["records"],
            entities=summary["entities"],
        )
        return summary
