"""Suggestions as linkage runs make them: new uncertain pairs become pending
suggestions, open ones follow the new scores or are withdrawn; decided ones are
never touched. Reviewers' decided pairs are the constraints linking obeys."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, insert, or_, select, update

from models.queue_sample import uncertainty
from models.review import OPEN_STATUSES, SuggestionStatus, minor_persons
from models.store.batches import chunks, rows_among
from models.tables import person_records, suggestions

PAIR_COLUMNS = (
    suggestions.c.id,
    suggestions.c.record_a,
    suggestions.c.record_b,
    suggestions.c.status,
    suggestions.c.probability,
    suggestions.c.model_version,
    suggestions.c.uncertainty,
    suggestions.c.sampled,
)
"""A suggestion as a scored pair, with its place in the queue and whether it is of the
queue's random share: what refreshing the queue and learning read."""


UNDECIDED = (
    SuggestionStatus.PENDING.value,
    SuggestionStatus.UNSURE.value,
    SuggestionStatus.WITHDRAWN.value,
)
"""The states whose four-eyes mark may still be set: no reviewer has confirmed the pair
(a suggestion awaiting its second reviewer is marked already; a decided one keeps what
it was decided with)."""


def ages_of_persons_on(c: Connection, record_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
    """`birth_latest` and `registered_on` of these records and of every record of their
    persons, each with its `record` id and its `person` (its entity, or the record itself
    when it has none): what tells whether a merge joins a child's records, or a person of
    unknown age (`models.review.minor_persons`). Two reads whatever the number of records
    (`rows_among`: in batches on SQLite)."""
    p = person_records.c
    columns = (p.id, p.entity_id, p.birth_latest, p.registered_on)
    own = rows_among(c, columns, p.id, list(set(record_ids)))
    entities = sorted({r.entity_id for r in own if r.entity_id is not None}, key=str)
    found = {r.id: r for r in own}
    found.update({r.id: r for r in rows_among(c, columns, p.entity_id, entities)})
    return [
        {
            "record": record,
            "person": entity or record,
            "birth_latest": born,
            "registered_on": registered,
        }
        for record, entity, born, registered in found.values()
    ]


def mark_minor_persons_on(c: Connection, record_ids: Iterable[uuid.UUID]) -> int:
    """Mark as involving a minor (four eyes, first in the queue, its version moved) every
    suggestion not yet confirmed (`UNDECIDED`) with a record of a person of these records
    whom a merge needs two reviewers to join (`models.review.minor_persons`: a record of
    theirs may be a child's, or none tells their age), as they are now: what a decision
    on it would find (`service.review._with_persons_ages`), written before, so the queue,
    its filter and the review page say it. Called where persons are made or changed (an
    import's link, a merge, a split, a revert); a mark is never taken off (a record
    adding a birth date to a person of unknown age leaves it). How many were marked."""
    ages = ages_of_persons_on(c, record_ids)
    minors = minor_persons(ages)
    marked = sorted((r["record"] for r in ages if r["person"] in minors), key=str)
    if not marked:
        return 0
    now = datetime.now(UTC)
    count = 0
    for chunk in chunks(marked):
        done = c.execute(
            update(suggestions)
            .where(
                _pair_condition(chunk),
                suggestions.c.involves_minor.is_(False),
                suggestions.c.status.in_(UNDECIDED),
            )
            .values(
                involves_minor=True,
                queue_group=0,
                version=suggestions.c.version + 1,
                updated_at=now,
            )
        )
        count += int(done.rowcount or 0)
    return count


def new_suggestion(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A scored pair as a fresh, pending suggestion."""
    return {
        "id": uuid.uuid4(),
        "status": SuggestionStatus.PENDING.value,
        "version": 1,
        "confirmed_by": None,
        "created_at": now,
        "updated_at": now,
        **row,
    }


def constraints_of(rows: Iterable[Any], wanted: set[Any] | None = None) -> tuple[list, list]:
    """Confirmed (must-link) and rejected (cannot-link) pairs of `(a, b, status)` rows whose
    second record is in `wanted` (all when None)."""
    must, cannot = [], []
    for a, b, status in rows:
        if wanted is None or b in wanted:
            (must if status == SuggestionStatus.CONFIRMED else cannot).append((a, b))
    return must, cannot


@dataclass(frozen=True, slots=True)
class SuggestionSync:
    """What following a linkage run did to the suggestions."""

    new: int
    refreshed: int
    withdrawn: int
    unsettled: tuple[uuid.UUID, ...] = field(default=(), compare=False)
    """Suggestions a reviewer began to decide that the run no longer found uncertain: kept
    open, their version moved, to be scored again (`service.scoring.rescore_unsettled`)."""


def rescore_unsettled_on(c: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Write the new scores of suggestions a reviewer began to decide (`sid`, probability,
    reasons, model version), moving their version; one decided meanwhile is left."""
    if not rows:
        return 0
    status = suggestions.c.status
    open_begun = or_(
        status == SuggestionStatus.AWAITING_SECOND.value, status == SuggestionStatus.UNSURE.value
    )  # not IN: a statement run for many rows takes no expanding list
    done = c.execute(
        update(suggestions)
        .where(suggestions.c.id == bindparam("sid"), open_begun)
        .values(
            probability=bindparam("probability"),
            reasons=bindparam("reasons"),
            model_version=bindparam("model_version"),
            version=suggestions.c.version + 1,
            updated_at=datetime.now(UTC),
        ),
        list(rows),
    )
    return int(done.rowcount or 0)


def _kept_out_of_the_share(row: dict[str, Any], found: Any) -> dict[str, Any]:
    """A suggestion a reviewer has taken up (a child's merge confirmed once, an unsure one)
    keeps its standing in the queue's random share: one a reviewer chose (a direct link)
    never joins it, one drawn keeps its place."""
    if found.sampled:
        return {**row, "sampled": True, "uncertainty": found.uncertainty}
    return {**row, "sampled": False, "uncertainty": uncertainty(row["probability"])}


def _pair_condition(record_ids: Sequence[uuid.UUID]) -> Any:
    return or_(suggestions.c.record_a.in_(record_ids), suggestions.c.record_b.in_(record_ids))


def sync_suggestions_on(
    c: Connection, rows: Sequence[dict[str, Any]], scope: Iterable[uuid.UUID] | None = None
) -> SuggestionSync:
    """Make the open suggestions follow a linkage run, inside the caller's transaction.

    New uncertain pairs become pending suggestions; open ones are refreshed
    (new probability, reasons and model: their version moves, so a reviewer
    holding the old one is told); pending ones the run no longer finds
    uncertain are withdrawn. Decided suggestions are never touched, nor
    withdrawn is one a reviewer has begun to decide (a child's merge confirmed
    once, awaiting its second reviewer; one a reviewer was unsure of): a
    pair a reviewer linked directly was never scored uncertain, and a relink
    would otherwise drop it from the four-eyes queue; its version moves instead,
    so that the second reviewer, holding the pair as read before the run,
    must read it again, and the service scores it again (`unsettled`). `scope`
    limits withdrawal to pairs involving those records (an incremental run);
    None means the run covered everything.
    """
    now = datetime.now(UTC)
    query = select(*PAIR_COLUMNS, suggestions.c.involves_minor)
    existing: dict[tuple[Any, Any], Any] = {}
    if scope is None:
        existing = {(r.record_a, r.record_b): r for r in c.execute(query)}
    else:
        for chunk in chunks(list(scope)):
            existing.update(
                {
                    (r.record_a, r.record_b): r
                    for r in c.execute(query.where(_pair_condition(chunk)))
                }
            )
    inserts, refreshes = [], []
    seen: set[tuple[Any, Any]] = set()
    for row in rows:
        key = (row["record_a"], row["record_b"])
        seen.add(key)
        found = existing.get(key)
        if found is None:
            inserts.append(new_suggestion(row, now))
            continue
        withdrawn_before = found.status == SuggestionStatus.WITHDRAWN
        if found.status in OPEN_STATUSES and found.status != SuggestionStatus.PENDING:
            row = _kept_out_of_the_share(row, found)
        changed = (
            abs(found.probability - row["probability"]) > 1e-9
            or found.model_version != row["model_version"]
            # a store upgraded to the queue's random share (migration 0013) places its
            # pending suggestions at the first run that scores them
            or found.sampled != row["sampled"]
            or abs(found.uncertainty - row["uncertainty"]) > 1e-9
            # the run found a person a merge needs two reviewers to join
            or (row["involves_minor"] and not found.involves_minor)
        )
        if withdrawn_before or (found.status in OPEN_STATUSES and changed):
            status = SuggestionStatus.PENDING.value if withdrawn_before else found.status
            refreshes.append({**row, "sid": found.id, "new_status": status})
    withdrawn = [
        {"sid": r.id}
        for key, r in existing.items()
        if key not in seen and r.status == SuggestionStatus.PENDING
    ]
    unsettled = [
        {"sid": r.id}
        for key, r in existing.items()
        if key not in seen and r.status in OPEN_STATUSES and r.status != SuggestionStatus.PENDING
    ]
    for chunk in chunks(inserts, 5000):
        c.execute(insert(suggestions), list(chunk))
    if refreshes:
        c.execute(
            update(suggestions)
            .where(suggestions.c.id == bindparam("sid"))
            .values(
                status=bindparam("new_status"),
                probability=bindparam("probability"),
                model_version=bindparam("model_version"),
                reasons=bindparam("reasons"),
                # a pair a reviewer found to join a child's person stays marked so
                # (`service.review`): four eyes, first in the queue
                queue_group=case((suggestions.c.involves_minor, 0), else_=bindparam("queue_group")),
                uncertainty=bindparam("uncertainty"),
                sampled=bindparam("sampled"),
                involves_minor=or_(suggestions.c.involves_minor, bindparam("involves_minor")),
                tracing_request=bindparam("tracing_request"),
                version=suggestions.c.version + 1,
                updated_at=now,
            ),
            [
                {
                    k: r[k]
                    for k in (
                        "sid",
                        "new_status",
                        "probability",
                        "model_version",
                        "reasons",
                        "queue_group",
                        "uncertainty",
                        "sampled",
                        "involves_minor",
                        "tracing_request",
                    )
                }
                for r in refreshes
            ],
        )
    if withdrawn:
        c.execute(
            update(suggestions)
            .where(suggestions.c.id == bindparam("sid"))
            .values(
                status=SuggestionStatus.WITHDRAWN.value,
                version=suggestions.c.version + 1,
                updated_at=now,
            ),
            withdrawn,
        )
    if unsettled:  # a reviewer holding the pair is told it was scored again: read it anew
        c.execute(
            update(suggestions)
            .where(suggestions.c.id == bindparam("sid"))
            .values(version=suggestions.c.version + 1, updated_at=now),
            unsettled,
        )
    return SuggestionSync(
        len(inserts), len(refreshes), len(withdrawn), tuple(u["sid"] for u in unsettled)
    )
