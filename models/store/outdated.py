"""Decisions the records have moved away from: a pair confirmed or rejected, then an
import changed one of its records. The decision still holds (a merge is never undone
behind a reviewer's back), but a reviewer should read the pair again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, select
from sqlalchemy.orm import aliased

from models.review import DecisionKind, SuggestionStatus
from models.store.review import DecisionEvent, decision_event
from models.store.versions import changed_after, changed_fields
from models.tables import decisions, suggestions


@dataclass(frozen=True, slots=True)
class Outdated:
    """A decision in force and, per record of its pair an import changed after it, the
    fields that differ from what the reviewer read."""

    event: DecisionEvent
    changed: dict[uuid.UUID, tuple[str, ...]]


def _in_force(d: Any) -> ColumnElement[bool]:
    """Not reverted (a revert names the decision it undoes)."""
    undo = aliased(decisions)
    return ~exists().where(undo.c.decision == DecisionKind.REVERT.value, undo.c.reverts == d.c.id)


def outdated_decisions(c: Connection, limit: int) -> list[Outdated]:
    """The decisions that settled a suggestion (its latest match or non-match in force,
    the suggestion confirmed or rejected) whose records an import finished after them
    changed in a field the reviewer reads, newest first."""
    d, later = decisions.alias("d"), decisions.alias("later")
    kinds = (DecisionKind.MATCH.value, DecisionKind.NON_MATCH.value)
    settled = (SuggestionStatus.CONFIRMED.value, SuggestionStatus.REJECTED.value)
    query = (
        select(d)
        .join(suggestions, suggestions.c.id == d.c.suggestion_id)
        .where(
            suggestions.c.status.in_(settled),
            d.c.decision.in_(kinds),
            _in_force(d),
            ~exists().where(
                later.c.suggestion_id == d.c.suggestion_id,
                later.c.seq > d.c.seq,
                later.c.decision.in_(kinds),
                _in_force(later),
            ),
            changed_after([d.c.record_a, d.c.record_b], d.c.created_at),
        )
        .order_by(d.c.seq.desc())
    )
    found: list[Outdated] = []
    offset = 0
    while len(found) < limit:  # a change of a protected field alone is left out
        events = [
            decision_event(row._mapping) for row in c.execute(query.offset(offset).limit(limit))
        ]
        found += [o for e in events if (o := Outdated(e, _changed_fields(c, e))).changed]
        if len(events) < limit:
            break
        offset += limit
    return found[:limit]


def _changed_fields(c: Connection, event: DecisionEvent) -> dict[uuid.UUID, tuple[str, ...]]:
    """Per record of the pair changed after `event` in a field a reviewer reads: what
    moved (`versions.changed_fields`)."""
    out = {}
    for record in (event.record_a, event.record_b):
        if moved := changed_fields(c, record, event.created_at):
            out[record] = moved
    return out


class OutdatedStore:
    engine: Any

    def outdated_decisions(self, limit: int = 200) -> list[Outdated]:
        with self.engine.connect() as c:
            return outdated_decisions(c, limit)
