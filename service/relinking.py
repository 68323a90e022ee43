"""Linking the whole stored population again (`nrm relink`): batch linkage over every
stored record, the model refitted, the blocking keys rebuilt, entity ids kept where
membership allows."""

from __future__ import annotations

import sys
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from matching.columns import ColumnBatches, build_columns
from matching.keys_version import keys_version
from matching.learned import LearnedModel
from matching.model import FSModel, default_model
from matching.parallel import Background
from matching.pipeline import link
from matching.prepared import CollectedValues, prepared_version
from matching.record_keys import iter_record_keys
from matching.scoring import Scores
from models.queue_sample import record_digest
from models.review import day_ordinal, persons_needing_four_eyes
from models.store import Store
from models.store.keys import KEYS_VERSION
from service.clock import Clock
from service.context import ADMIN, Actor, UseCases
from service.keys import refresh_stale_keys
from service.kingraph import defer_graph
from service.linkfile import stable_entity_id
from service.memory import collector_paused, give_back_freed
from service.pairs import MATCH_FIELDS, encoded_pair_rows, review_unmerged
from service.prepared import DigestedValues
from service.registry import model_version, rescorer
from service.scoring import rescore_unsettled, suggestion_row
from service.training import learned_for, learned_outcome

RELINK = frozenset({ADMIN})


class _Kept:
    """What a relink keeps of each streamed record beside the columns, column by column
    (a dict per record came to 0.7 GB at a million records): its entity before, and what
    a suggestion row reads of its two records (`service.scoring.suggestion_row`), its
    source and record id as one `record_digest`."""

    def __init__(self) -> None:
        self._entities = bytearray()
        self._case_types: list[str | None] = []
        self._sources: list[str] = []
        self._born_by = array("i")
        self._registered = array("i")
        self._digests = array("Q")

    def add(self, batch: dict[str, list[Any]]) -> None:
        """A batch of records, column by column (`Store.iter_link_columns`)."""
        self._entities += b"".join(e.bytes if e else _NONE for e in batch["entity_id"])
        self._case_types.extend([sys.intern(t) if t else None for t in batch["case_type"]])
        self._sources.extend([sys.intern(s) for s in batch["source"]])
        self._born_by.extend([day_ordinal(d) for d in batch["birth_latest"]])
        self._registered.extend([day_ordinal(d) for d in batch["registered_on"]])
        self._digests.extend(
            [record_digest(s, r) for s, r in zip(batch["source"], batch["record_id"], strict=True)]
        )

    def arrange(self, arrival: np.ndarray | None) -> None:
        """Put what was kept in the columns' order (`Columns.arrival`: where each came)."""
        if arrival is None:
            return
        order = arrival.tolist()
        self._entities = bytearray(np.frombuffer(self._entities, "V16")[arrival].tobytes())
        self._case_types = [self._case_types[r] for r in order]
        self._sources = [self._sources[r] for r in order]
        self._born_by = array("i", (self._born_by[r] for r in order))
        self._registered = array("i", (self._registered[r] for r in order))
        self._digests = array("Q", (self._digests[r] for r in order))

    def four_eyes(self, labels: np.ndarray) -> np.ndarray:
        """For each row, whether a merge joining its person needs two reviewers
        (`models.review.persons_needing_four_eyes`): the persons are the clusters
        `labels` make (each labelled by a row of its own, `cluster.canonical_labels`), the
        birth data that of every record, as kept: one pass, no read (about a second at a
        million records)."""
        person = np.asarray(labels, dtype=np.int64)
        born = np.frombuffer(self._born_by, dtype=np.intc)
        registered = np.frombuffer(self._registered, dtype=np.intc)
        return persons_needing_four_eyes(person, born, registered)[person]

    def entities(self) -> np.ndarray:
        """Each row's entity before, as 16 bytes (zeros: none)."""
        return np.frombuffer(self._entities, "V16")

    def brief(self, row: int) -> dict[str, Any]:
        return {
            "case_type": self._case_types[row],
            "source": self._sources[row],
            "birth_latest": _day(self._born_by[row]),
            "registered_on": _day(self._registered[row]),
            "digest": self._digests[row],
        }


_NONE = bytes(16)


def _day(ordinal: int) -> date | None:
    return date.fromordinal(ordinal) if ordinal else None


def relink_all(store: Store, household: bool = True) -> dict[str, Any]:
    """Link the whole stored population again (batch), refit the model, keep entity ids.

    The records stream from the store into the matching columns as `nrm link` reads a
    file; of each record only its entity and the fields a suggestion reads stay in
    memory beside the columns (`_Kept`). The keys are rebuilt as one streamed
    transaction, in a forked process while this one links (the keys read the columns
    only; nothing else is written until both are done). The pairs' reasons are worded
    and encoded before the pairs are written (`encoded_pair_rows`), so the transaction
    that writes them is short. The fit starts from the declared model, as `nrm link`'s
    does, not from the one stored: the same records give the same model and, reviewers'
    decisions aside, the same persons as `nrm link`, whatever was linked before. Python's
    cyclic collector is paused throughout, as for `nrm link` (a million records' values
    are millions of long-lived objects it would walk again and again).
    """
    with collector_paused():
        return _relink(store, household)


def _relink(store: Store, household: bool) -> dict[str, Any]:
    clock = Clock()
    kept = _Kept()

    def stream() -> Iterator[dict[str, list[Any]]]:
        for batch in store.iter_link_columns(MATCH_FIELDS):
            kept.add(batch)
            yield batch

    confirmed, rejected = store.review_constraints()
    model = default_model()
    learned_model: LearnedModel | None = None
    learned_state = "none"

    def rescore_for(fitted: FSModel) -> Callable[[Scores], np.ndarray] | None:
        nonlocal learned_model, learned_state
        learned_model, learned_state = learned_for(store, fitted)
        return rescorer(fitted, learned_model)

    prepared = CollectedValues()
    columns = build_columns(ColumnBatches(stream()), "id", prepared, natural=True)
    kept.arrange(columns.arrival)
    give_back_freed()
    clock("read_and_prepare")
    stale = _stale_keys(store, len(columns))

    def write_keys() -> None:
        if stale is None:
            batches = _keys_in_batches(columns.ids, iter_record_keys(columns))
            store.rebuild_keys(batches, keys_version())
        elif stale:
            refresh_stale_keys(store)

    keys = Background(
        write_keys, len(columns) if stale is None else stale, store.forget_connections
    )
    result = link(
        columns,
        model,
        household=household,
        must_link=confirmed,
        cannot_link=rejected,
        rescore_for=rescore_for,
        keep="review",
        on_stage=lambda _: give_back_freed(),
    )
    clock("link")
    keys.wait()
    clock("keys_wait")
    digested = DigestedValues(prepared)
    store.replace_prepared(digested, prepared_version())
    del prepared, digested
    clock("prepared")
    saved = [(result.model.version, result.model.to_json(), "fs")]
    if learned_state == "trained_again" and learned_model is not None:
        saved.append((learned_model.version, learned_model.to_json(), "learned"))
    store.save_models(saved)
    ids = result.columns.ids
    bands, held = review_unmerged(
        result.bands, result.a, result.b, result.clusters.to_review, result.scores.held
    )
    version = model_version(result.model, learned_model)
    order, pairs = encoded_pair_rows(
        result.columns, result.a, result.b, replace(result.scores, held=held), bands, version
    )
    four_eyes = kept.four_eyes(result.clusters.labels).tolist()
    suggestions = [
        suggestion_row(row, kept.brief(x), kept.brief(y), four_eyes=four_eyes[x] or four_eyes[y])
        for (_, x, y), row in zip(order, pairs, strict=True)
        if row["band"] == "review"
    ]
    del four_eyes
    clock("reasons")
    with store.linking() as tx:
        tx.replace_all_pairs(pairs)
    del order, pairs
    clock("pairs")
    suggested = store.sync_suggestions(suggestions, scope=None)
    del suggestions
    clock("suggestions")
    assignment, persons = person_entities(result.clusters.labels, kept.entities(), ids)
    with store.linking() as tx:
        tx.assign_entities(assignment)
    clock("entities")
    rescore_unsettled(store, suggested.unsettled)  # and marked as their persons now are
    clock("unsettled")
    counts = Counter(bands.tolist())
    return {
        "mode": "batch",
        "records": len(ids),
        "pairs": result.blocking.pairs,
        "match": counts.get("match", 0),
        "review": counts.get("review", 0),
        "suggestions": suggested.new,
        "entities": persons,
        "keys_written": len(ids) if stale is None else stale,
        "keys_kept": 0 if stale is None else len(ids) - stale,
        **(
            {"learned": learned_state, "learned_model": model_version(result.model, learned_model)}
            if learned_state != "none"
            else {}
        ),
        "timings_ms": clock.steps,
    }


def person_entities(
    labels: np.ndarray, before: np.ndarray, ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, uuid.UUID], int]:
    """`entity_assignment` of the persons `labels` make (cluster labels), from each
    record's entity before (16 bytes, zeros: none), and the number of persons. A person
    whose records all held one entity that no other person's records hold keeps it,
    found in numpy (most of a million: a UUID made for every record and a list for every
    person took 13 s); the others go through `entity_assignment` in the same order, with
    every entity held before in sight."""
    count = len(labels)
    if count == 0:
        return {}, 0
    distinct, code = np.unique(before, return_inverse=True)
    code = code.reshape(-1).astype(np.int64)
    code[before == np.void(bytes(16))] = -1
    order = np.argsort(labels, kind="stable")
    in_order = labels[order]
    starts = np.flatnonzero(np.r_[True, in_order[1:] != in_order[:-1]])
    person = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, count]))
    held = code[order]
    lowest, highest = np.minimum.reduceat(held, starts), np.maximum.reduceat(held, starts)
    known = held >= 0
    shared = np.unique(person[known] * np.int64(len(distinct) + 1) + held[known])
    persons_of = np.bincount(shared % (len(distinct) + 1), minlength=len(distinct) + 1)
    kept = (lowest == highest) & (lowest >= 0) & (persons_of[np.maximum(lowest, 0)] == 1)
    ends = np.r_[starts[1:], count]
    others = [
        order[start:end].tolist()
        for start, end in zip(starts[~kept].tolist(), ends[~kept].tolist(), strict=True)
    ]
    others.sort(key=lambda rows: rows[0])  # as `members` gives them, whatever the labels

    def entity(row: int) -> uuid.UUID | None:
        raw = before[row].tobytes()
        return uuid.UUID(bytes=raw) if any(raw) else None

    def held_before() -> set[uuid.UUID]:
        return {uuid.UUID(bytes=v.tobytes()) for v in distinct if any(v.tobytes())}

    return entity_assignment(others, entity, ids, held_before), len(starts)


def entity_assignment(
    groups: list[list[int]],
    before: Callable[[int], uuid.UUID | None],
    ids: Sequence[uuid.UUID],
    held_before: Callable[[], set[uuid.UUID]] | None = None,
) -> dict[uuid.UUID, uuid.UUID]:
    """The new entity of each record whose entity changes: each person, largest first,
    keeps the entity most of its records had and no larger person kept; a person with
    none gets the id its members give (`stable_entity_id`), or one derived from it where
    a record held that id before (an id its members gave in an earlier relink may since
    have passed to a larger person: taken again, it joined the two persons in the store,
    54 of 17,854 after ten files imported one by one; or to a smaller one that keeps it,
    whose tracing matches would then name another person). `held_before`: every entity
    held before, where `groups` are not all the persons."""
    assignment: dict[uuid.UUID, uuid.UUID] = {}
    used: set[uuid.UUID] = set()
    largest_first = sorted(groups, key=len, reverse=True)
    befores = [[before(r) for r in rows] for rows in largest_first]
    held: set[uuid.UUID] | None = None
    for rows, was in zip(largest_first, befores, strict=True):
        first = was[0]
        if first and first not in used and was.count(first) == len(was):
            entity = first  # the usual case: one entity before, still free
        elif known := Counter(e for e in was if e and e not in used):
            entity = known.most_common(1)[0][0]
        else:
            if held is None:
                held = (
                    held_before()
                    if held_before is not None
                    else {e for earlier in befores for e in earlier if e}
                )
            entity = stable_entity_id(str(ids[r]) for r in rows)
            while entity in used or entity in held:
                entity = uuid.uuid5(entity, "taken")
        used.add(entity)
        for r, old in zip(rows, was, strict=True):
            if old != entity:
                assignment[ids[r]] = entity
    return assignment


KEEP_KEYS_SHARE = 0.25
"""Up to this share of the records changed since their keys were written, a relink
writes the keys of those and of their cases only; from it, every key, as after a large
file imported with `--no-link`: the bulk rebuild in key order costs about 0.1 ms a
record, replacing a record's keys in place about 0.3 ms (`models.store.keys`)."""


def _stale_keys(store: Store, records: int) -> int | None:
    """How many records' keys a relink writes again when it keeps the others; None: it
    writes every key (the keys of another version of the code, or too many changed)."""
    if store.setting(KEYS_VERSION) != keys_version():
        return None
    stale = store.stale_key_count()
    return stale if stale <= KEEP_KEYS_SHARE * records else None


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
            **learned_outcome(summary),
        )
        return summary
