"""The review queue, decision events and the entity changes they make.

A decision is read, checked and written inside one serialised transaction
(`BEGIN IMMEDIATE` on SQLite, a transaction-level advisory lock on
PostgreSQL), so of two reviewers deciding at once exactly one sees the
version they read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    func,
    insert,
    or_,
    select,
    text,
    update,
)

from models.review import DECIDED_STATUSES, DecisionKind, SuggestionStatus
from models.store.batches import chunks
from models.store.serial import REVIEW_LOCK, serialised
from models.store.stamps import in_utc
from models.store.suggestions import (
    SuggestionSync,
    ages_of_persons_on,
    constraints_of,
    mark_minor_persons_on,
    new_suggestion,
    rescore_unsettled_on,
    sync_suggestions_on,
)
from models.store.versions import changed_fields
from models.tables import decisions, entities, match_pairs, person_records, suggestions

ANALYZE_AFTER = 10_000


@dataclass(frozen=True, slots=True)
class DecisionEvent:
    """One stored decision (or revert): who decided what on which pair, and the entity
    changes it made (`entities_before` / `entities_after`, record id → entity id)."""

    id: uuid.UUID
    seq: int
    suggestion_id: uuid.UUID | None
    record_a: uuid.UUID
    record_b: uuid.UUID
    decision: str
    note: str | None
    reverts: uuid.UUID | None
    effect: str
    entities_before: dict[str, str | None]
    entities_after: dict[str, str | None]
    model_version: str | None
    user_id: uuid.UUID
    user_name: str
    role: str
    organisation: str | None
    created_at: datetime


def decision_event(row: Any) -> DecisionEvent:
    return DecisionEvent(**in_utc(dict(row), ("created_at",)))


def confirmation_by(events: Iterable[DecisionEvent], user: uuid.UUID) -> DecisionEvent | None:
    """The latest confirmation (`match`) of `user` among `events`: the first confirmation
    of a child's merge, which that reviewer made (None: none)."""
    mine = [d for d in events if d.decision == DecisionKind.MATCH.value and d.user_id == user]
    return max(mine, key=lambda d: d.seq) if mine else None


class ReviewTx:
    """What a decision reads and writes, on one connection inside one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def suggestion(self, suggestion_id: uuid.UUID) -> dict[str, Any] | None:
        row = self.c.execute(select(suggestions).where(suggestions.c.id == suggestion_id)).first()
        return dict(row._mapping) if row else None

    def suggestion_for_pair(self, a: uuid.UUID, b: uuid.UUID) -> dict[str, Any] | None:
        x, y = sorted((a, b), key=str)
        row = self.c.execute(
            select(suggestions).where(suggestions.c.record_a == x, suggestions.c.record_b == y)
        ).first()
        return dict(row._mapping) if row else None

    def add_suggestion(self, row: dict[str, Any]) -> dict[str, Any]:
        values = new_suggestion(row, datetime.now(UTC))
        self.c.execute(insert(suggestions).values(**values))
        return values

    def set_suggestion(
        self, suggestion_id: uuid.UUID, status: str, confirmed_by: uuid.UUID | None
    ) -> int:
        """Set the state and bump the version; returns the new version."""
        return self.c.execute(
            update(suggestions)
            .where(suggestions.c.id == suggestion_id)
            .values(
                status=status,
                confirmed_by=confirmed_by,
                version=suggestions.c.version + 1,
                updated_at=datetime.now(UTC),
            )
            .returning(suggestions.c.version)
        ).scalar_one()

    def leave_sample(self, suggestion_id: uuid.UUID, place: float) -> None:
        """Take a suggestion out of the queue's random share, at `place` in its group: a
        reviewer chose it (a direct link), so its decision says nothing of the queue."""
        self.c.execute(
            update(suggestions)
            .where(suggestions.c.id == suggestion_id)
            .values(sampled=False, uncertainty=place)
        )

    def entity_of(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
        found: dict[uuid.UUID, uuid.UUID | None] = {}
        for chunk in chunks(list(record_ids)):
            rows = self.c.execute(
                select(person_records.c.id, person_records.c.entity_id).where(
                    person_records.c.id.in_(chunk)
                )
            )
            found.update({r.id: r.entity_id for r in rows})
        return found

    def members(self, entity_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """Every record of these entities, with its entity."""
        found: dict[uuid.UUID, uuid.UUID] = {}
        for chunk in chunks([e for e in set(entity_ids) if e is not None]):
            rows = self.c.execute(
                select(person_records.c.id, person_records.c.entity_id).where(
                    person_records.c.entity_id.in_(chunk)
                )
            )
            found.update({r.id: r.entity_id for r in rows})
        return found

    def ages_of_persons(self, record_ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
        """`suggestions.ages_of_persons_on`: the birth data of these records' persons."""
        return ages_of_persons_on(self.c, record_ids)

    def mark_minor_persons(self, record_ids: Iterable[uuid.UUID]) -> int:
        """`suggestions.mark_minor_persons_on`, after persons changed."""
        return mark_minor_persons_on(self.c, record_ids)

    def mark_involves_minor(self, suggestion_id: uuid.UUID) -> None:
        """A suggestion whose merge would join a possible child's person: four eyes, first
        in the queue."""
        self.c.execute(
            update(suggestions)
            .where(suggestions.c.id == suggestion_id)
            .values(involves_minor=True, queue_group=0)
        )

    def cases_of(self, record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str] | None]:
        found: dict[uuid.UUID, tuple[str, str] | None] = {}
        for chunk in chunks(list(record_ids)):
            rows = self.c.execute(
                select(
                    person_records.c.id, person_records.c.source, person_records.c.case_id
                ).where(person_records.c.id.in_(chunk))
            )
            found.update({r.id: (r.source, r.case_id) if r.case_id else None for r in rows})
        return found

    def scored_pairs(self, record_ids: Sequence[uuid.UUID]) -> list[tuple[Any, Any, float]]:
        """Stored scored pairs between these records."""
        wanted = set(record_ids)
        found = []
        for chunk in chunks(list(record_ids)):
            rows = self.c.execute(
                select(
                    match_pairs.c.record_a, match_pairs.c.record_b, match_pairs.c.probability
                ).where(match_pairs.c.record_a.in_(chunk))
            )
            found.extend((r[0], r[1], r[2]) for r in rows if r[1] in wanted)
        return found

    def constraints(self, record_ids: Sequence[uuid.UUID]) -> tuple[list, list]:
        """Confirmed (must-link) and rejected (cannot-link) pairs among these records."""
        wanted = set(record_ids)
        rows = [
            row
            for chunk in chunks(list(record_ids))
            for row in self.c.execute(
                select(suggestions.c.record_a, suggestions.c.record_b, suggestions.c.status).where(
                    suggestions.c.record_a.in_(chunk), suggestions.c.status.in_(DECIDED_STATUSES)
                )
            )
        ]
        return constraints_of(rows, wanted)

    def assign(self, mapping: dict[uuid.UUID, uuid.UUID]) -> None:
        """Move records to entities, creating the entities that do not exist yet."""
        wanted = sorted(set(mapping.values()), key=str)
        known = set(
            self.c.execute(select(entities.c.id).where(entities.c.id.in_(wanted))).scalars()
        )
        now = datetime.now(UTC)
        for entity in wanted:
            if entity not in known:
                self.c.execute(insert(entities).values(id=entity, created_at=now))
        by_entity: dict[uuid.UUID, list[uuid.UUID]] = {}
        for record, entity in mapping.items():
            by_entity.setdefault(entity, []).append(record)
        for entity, records in by_entity.items():
            for chunk in chunks(records):
                self.c.execute(
                    update(person_records)
                    .where(person_records.c.id.in_(chunk))
                    .values(entity_id=entity, updated_at=now)
                )

    def restore(self, mapping: dict[uuid.UUID, uuid.UUID | None]) -> None:
        """Put records back in the entities they had (None: no entity)."""
        self.assign({r: e for r, e in mapping.items() if e is not None})
        now = datetime.now(UTC)
        for record in [r for r, e in mapping.items() if e is None]:
            self.c.execute(
                update(person_records)
                .where(person_records.c.id == record)
                .values(entity_id=None, updated_at=now)
            )

    def decision(self, decision_id: uuid.UUID) -> DecisionEvent | None:
        row = self.c.execute(select(decisions).where(decisions.c.id == decision_id)).first()
        return decision_event(row._mapping) if row else None

    def reverted_ids(self, decision_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        ids = list(decision_ids)
        if not ids:
            return set()
        return set(
            self.c.execute(
                select(decisions.c.reverts).where(
                    decisions.c.decision == DecisionKind.REVERT.value, decisions.c.reverts.in_(ids)
                )
            ).scalars()
        )

    def outdated_first_confirmation(self, suggestion: dict[str, Any]) -> DecisionEvent | None:
        """The first confirmation in force of a child's merge awaiting its second reviewer,
        when an import finished after it changed a field a reviewer reads of either record
        (`versions.changed_fields`); else None."""
        if suggestion["status"] != SuggestionStatus.AWAITING_SECOND.value:
            return None
        confirmed = confirmation_by(self.effective_of(suggestion["id"]), suggestion["confirmed_by"])
        if confirmed is None:
            return None
        pair = (suggestion["record_a"], suggestion["record_b"])
        changed = any(changed_fields(self.c, r, confirmed.created_at) for r in pair)
        return confirmed if changed else None

    def decisions_of_suggestion(self, suggestion_id: uuid.UUID) -> list[DecisionEvent]:
        rows = self.c.execute(
            select(decisions)
            .where(decisions.c.suggestion_id == suggestion_id)
            .order_by(decisions.c.seq)
        )
        return [decision_event(r._mapping) for r in rows]

    def effective_of(self, suggestion_id: uuid.UUID) -> list[DecisionEvent]:
        """The decisions on a suggestion still in force (not reverts, not reverted), in
        order."""
        history = [
            d
            for d in self.decisions_of_suggestion(suggestion_id)
            if d.decision != DecisionKind.REVERT.value
        ]
        reverted = self.reverted_ids(d.id for d in history)
        return [d for d in history if d.id not in reverted]

    def standing_on_pair(self, a: uuid.UUID, b: uuid.UUID, kind: str) -> DecisionEvent | None:
        """The latest decision of this kind in force on the pair a, b (None: none)."""
        suggestion = self.suggestion_for_pair(a, b)
        if suggestion is None:
            return None
        found = [d for d in self.effective_of(suggestion["id"]) if d.decision == kind]
        return found[-1] if found else None

    def later_decisions(self, seq: int, record_ids: Sequence[str]) -> list[DecisionEvent]:
        """Effective decisions after `seq` that changed an entity of these records."""
        touched = set(record_ids)
        return [
            r
            for r in self.later_on_records(seq, record_ids)
            if set(r.entities_before) & touched or set(r.entities_after) & touched
        ]

    def later_on_records(self, seq: int, record_ids: Sequence[str]) -> list[DecisionEvent]:
        """Effective decisions (not reverts, not reverted) after `seq` on a pair that names
        one of these records, whether or not they changed a person."""
        ids = [uuid.UUID(r) for r in record_ids]
        rows = [
            decision_event(r._mapping)
            for chunk in chunks(ids)
            for r in self.c.execute(
                select(decisions).where(
                    decisions.c.seq > seq,
                    or_(decisions.c.record_a.in_(chunk), decisions.c.record_b.in_(chunk)),
                )
            )
        ]
        later = {r.id: r for r in rows if r.decision != DecisionKind.REVERT.value}
        for reverted in self.reverted_ids(later):
            later.pop(reverted, None)
        return sorted(later.values(), key=lambda r: r.seq)

    def add_decision(self, row: dict[str, Any]) -> DecisionEvent:
        """Append a decision event (`DecisionEvent`'s fields but id, seq and created_at)."""
        seq = self.c.execute(select(func.coalesce(func.max(decisions.c.seq), 0))).scalar_one()
        values = {"id": uuid.uuid4(), "seq": seq + 1, "created_at": datetime.now(UTC), **row}
        self.c.execute(insert(decisions).values(**values))
        return decision_event(values)


class ReviewStore:
    """The review half of the store (mixed into `Store`)."""

    engine: Engine

    @contextmanager
    def review_transaction(self) -> Iterator[ReviewTx]:
        """One serialised read-check-write transaction for a decision."""
        with serialised(self.engine, REVIEW_LOCK) as connection:
            yield ReviewTx(connection)

    def sync_suggestions(
        self, rows: Sequence[dict[str, Any]], scope: Iterable[uuid.UUID] | None = None
    ) -> SuggestionSync:
        """Make the open suggestions follow a linkage run (`sync_suggestions_on`), in its
        own transaction."""
        with self.engine.begin() as c:
            counts = sync_suggestions_on(c, rows, scope)
        if counts.new >= ANALYZE_AFTER and self.engine.dialect.name == "postgresql":
            with self.engine.connect() as c:
                c.execute(text("ANALYZE suggestions"))
                c.commit()
        return counts

    def mark_minor_persons(self, record_ids: Iterable[uuid.UUID]) -> int:
        """`suggestions.mark_minor_persons_on`, in its own transaction."""
        with self.engine.begin() as c:
            return mark_minor_persons_on(c, record_ids)

    def rescore_unsettled(self, rows: Sequence[dict[str, Any]]) -> int:
        """The new scores of suggestions a reviewer began to decide
        (`suggestions.rescore_unsettled_on`), in their own transaction."""
        with self.engine.begin() as c:
            return rescore_unsettled_on(c, rows)

    def get_suggestion(self, suggestion_id: uuid.UUID) -> dict[str, Any] | None:
        with self.engine.connect() as c:
            row = c.execute(select(suggestions).where(suggestions.c.id == suggestion_id)).first()
        return dict(row._mapping) if row else None

    def decisions_touching(self, record_ids: Sequence[uuid.UUID]) -> list[DecisionEvent]:
        """Every decision event on a pair involving these records, oldest first."""
        rows: dict[uuid.UUID, DecisionEvent] = {}
        with self.engine.connect() as c:
            for chunk in chunks(list(record_ids)):
                for r in c.execute(
                    select(decisions).where(
                        or_(decisions.c.record_a.in_(chunk), decisions.c.record_b.in_(chunk))
                    )
                ):
                    rows[r.id] = decision_event(r._mapping)
        return sorted(rows.values(), key=lambda r: r.seq)

    def outdated_first_confirmation(self, suggestion: dict[str, Any]) -> DecisionEvent | None:
        with self.engine.connect() as c:
            return ReviewTx(c).outdated_first_confirmation(suggestion)

    def decisions_of_suggestion(self, suggestion_id: uuid.UUID) -> list[DecisionEvent]:
        with self.engine.connect() as c:
            return ReviewTx(c).decisions_of_suggestion(suggestion_id)

    def get_decision(self, decision_id: uuid.UUID) -> DecisionEvent | None:
        with self.engine.connect() as c:
            return ReviewTx(c).decision(decision_id)

    def recent_decisions(self, limit: int, offset: int = 0) -> list[DecisionEvent]:
        """Decision events (reverts included), newest first."""
        query = select(decisions).order_by(decisions.c.seq.desc()).limit(limit).offset(offset)
        with self.engine.connect() as c:
            return [decision_event(r._mapping) for r in c.execute(query)]
