"""Decisions the records have moved away from: a pair confirmed or rejected, then an
import changed one of its records. The decision still holds (a merge is never undone
behind a reviewer's back), but a reviewer should read the pair again."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, select
from sqlalchemy.orm import aliased

from models.records import PROTECTED_FIELDS, SHOWN_FIELDS
from models.review import DecisionKind, SuggestionStatus
from models.store.review import DecisionEvent, decision_event
from models.store.versions import changed_after
from models.tables import decisions, imports, person_records, record_versions, suggestions

COMPARED = tuple(n for n in SHOWN_FIELDS if n not in PROTECTED_FIELDS)
"""The fields whose change is named: what a reviewer reads of a record (a protected
field's change is not named: that a phone or a current location moved is theirs to know
who may read them)."""


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
        .limit(limit)
    )
    events = [decision_event(row._mapping) for row in c.execute(query)]
    found = [Outdated(e, _changed_fields(c, e)) for e in events]
    return [o for o in found if any(o.changed.values())]


def _changed_fields(c: Connection, event: DecisionEvent) -> dict[uuid.UUID, tuple[str, ...]]:
    """Per record of the pair changed after `event`: the fields where the values it had
    then (the first version an import replaced after it) differ from the stored ones."""
    out: dict[uuid.UUID, tuple[str, ...]] = {}
    for record in (event.record_a, event.record_b):
        then = c.execute(
            select(*(record_versions.c[n] for n in COMPARED))
            .join(imports, imports.c.id == record_versions.c.import_id)
            .where(
                and_(record_versions.c.record == record, imports.c.finished_at > event.created_at)
            )
            .order_by(record_versions.c.id)
            .limit(1)
        ).first()
        if then is None:
            continue
        now = c.execute(
            select(*(person_records.c[n] for n in COMPARED)).where(person_records.c.id == record)
        ).first()
        if now is None:
            continue
        out[record] = tuple(n for n in COMPARED if then._mapping[n] != now._mapping[n])
    return out


class OutdatedStore:
    engine: Any

    def outdated_decisions(self, limit: int = 200) -> list[Outdated]:
        with self.engine.connect() as c:
            return outdated_decisions(c, limit)
