"""Undoing a decision: its entity changes restored exactly, the suggestion replayed
without it (a use-case family of `service.Service`, beside `service.review`)."""

from __future__ import annotations

import uuid

from i18n import N_, Day, Word
from models.review import DecisionKind, Effect, Replayed, SuggestionStatus, replay
from models.store import Store
from models.store.audit import write_audit
from models.store.review import DecisionEvent, ReviewTx, confirmation_by
from service.context import Actor, UseCases, visible
from service.errors import Conflict, NotFound, Unprocessable
from service.merging import stringify
from service.review import (
    REVERT,
    Decided,
    confirmations,
    decision_view,
    event_row,
    moved_records,
    regraph,
    withdrawal,
)


class ReasonTooShort(Unprocessable):
    """A reason too short to say anything (422, as the API's schema answers for the same
    rule)."""


def require_reason(reason: str, count: int, message: str) -> None:
    """Refuse (`ReasonTooShort`, `message` with `{count}`) a reason of fewer than `count`
    characters as a reader sees it (`context.visible`: runs of spaces one, invisible
    characters none)."""
    if len(visible(reason)) < count:
        raise ReasonTooShort(message, count=count)


REASON_MIN_LENGTH = 3
"""A revert says why ("x" says nothing in the history a reviewer reads later); the API's
schema asks the same."""
SHORT_REASON = N_("say why you revert this decision, in {count} characters at least")


def revert(store: Store, actor: Actor, decision_id: uuid.UUID, reason: str) -> Decided:
    """Undo one decision: its entity changes are restored exactly, the suggestion's state
    is replayed without it. A decision that later decisions built on is reverted after them.
    Undoing the confirmation that completed a child's four eyes (whether or not it
    merged: the records may have been one person already) also withdraws the first
    confirmation (`confirmation_by`), as a revert of its own with the same reason: the pair
    waits for two confirmations again, not for one click of any other reviewer."""
    require_reason(reason, REASON_MIN_LENGTH, SHORT_REASON)
    user = actor.user
    assert user is not None
    with store.review_transaction() as tx:
        event = tx.decision(decision_id)
        if event is None:
            raise NotFound("no such decision")
        if event.decision == DecisionKind.REVERT.value:
            raise Conflict("a revert cannot be reverted; decide the suggestion again instead")
        if tx.reverted_ids([decision_id]):
            raise Conflict("this decision was already reverted")
        affected = sorted(set(event.entities_before) | set(event.entities_after))
        restore = {
            uuid.UUID(r): uuid.UUID(e) if e else None for r, e in event.entities_before.items()
        }
        later = tx.later_decisions(event.seq, affected)
        if event.suggestion_id is not None:  # later decisions on it, changing a person or not
            known = {d.id for d in later}
            later += [
                d
                for d in tx.effective_of(event.suggestion_id)
                if d.seq > event.seq and d.id not in known
            ]
        later += _contradicted(tx, event.seq, affected, restore, {d.id for d in later})
        if later:
            last = max(later, key=lambda d: d.seq)
            raise Conflict(
                "revert first the later decisions on the same persons (in all: {count}), the "
                "latest first: {decision} by {who} on {day} (decision {id})",
                count=len(later),
                decision=Word(last.decision),
                who=last.user_name,
                day=Day(last.created_at),
                id=str(last.id),
            )
        current = tx.entity_of(restore)
        tx.restore(restore)
        suggestion = tx.suggestion(event.suggestion_id) if event.suggestion_id else None
        status, set_aside = None, None
        if suggestion is not None:
            effective = tx.effective_of(suggestion["id"])
            remaining = [d for d in effective if d.id != decision_id]
            minor = suggestion["involves_minor"]
            was, state = _replayed(effective, minor), _replayed(remaining, minor)
            if (
                was.status is SuggestionStatus.CONFIRMED
                and state.status is SuggestionStatus.AWAITING_SECOND
                and state.confirmed_by is not None
            ):
                set_aside = confirmation_by(remaining, state.confirmed_by)
                assert set_aside is not None  # the replay named its author
                remaining.remove(set_aside)
                state = _replayed(remaining, minor)
            version = tx.set_suggestion(suggestion["id"], state.status.value, state.confirmed_by)
            status = {
                "id": str(suggestion["id"]),
                "status": state.status.value,
                "version": version,
                "confirmations": confirmations(state.status, suggestion["involves_minor"]),
                "confirmation_withdrawn": str(set_aside.id) if set_aside else None,
            }
        if restore:  # the persons as they were: their open pairs may join a child's person
            tx.mark_minor_persons({event.record_a, event.record_b, *restore})
            if suggestion is not None and status is not None:  # marked itself: a version on
                status["version"] = tx.suggestion(suggestion["id"])["version"]
        if set_aside is not None:
            tx.add_decision(withdrawal(user, set_aside, reason))
        undo = tx.add_decision(
            event_row(
                user,
                event.suggestion_id,
                (event.record_a, event.record_b),
                DecisionKind.REVERT,
                reason,
                Effect.RESTORED if restore else Effect.NONE,
                (stringify(current), event.entities_before),
                event.model_version,
                reverts=decision_id,
            )
        )
        write_audit(
            tx.c,
            user,
            actor.entry(
                "revert",
                "decision",
                (
                    decision_id,
                    *([set_aside.id] if set_aside else []),
                    event.record_a,
                    event.record_b,
                ),
                reason=reason,
                event=str(undo.id),
                **({"first_confirmation_withdrawn": str(set_aside.id)} if set_aside else {}),
            ),
        )
    return Decided(decision_view(undo), status, moved=moved_records(restore, {}))


def _replayed(decisions: list[DecisionEvent], minor: bool) -> Replayed:
    return replay(((d.decision, d.user_id) for d in decisions), minor)


def _contradicted(
    tx: ReviewTx,
    seq: int,
    affected: list[str],
    restore: dict[uuid.UUID, uuid.UUID | None],
    known: set[uuid.UUID],
) -> list[DecisionEvent]:
    """Later decisions that changed no person but would no longer hold once `restore` is
    applied: a confirmation of two records the revert parts ("A is C" decided after the
    merge of A and B had made A and C one person), or a rejection of two it joins. They
    stand on the decision reverted, so they are reverted first."""
    said = [
        d
        for d in tx.later_on_records(seq, affected)
        if d.id not in known and d.decision in (DecisionKind.MATCH, DecisionKind.NON_MATCH)
    ]
    if not said:
        return []
    now = tx.entity_of({r for d in said for r in (d.record_a, d.record_b)})

    def person(record: uuid.UUID) -> uuid.UUID:
        entity = restore[record] if record in restore else now.get(record)
        return entity or record  # a record of no entity is a person of its own

    together = {DecisionKind.MATCH.value: True, DecisionKind.NON_MATCH.value: False}
    return [d for d in said if (person(d.record_a) == person(d.record_b)) != together[d.decision]]


class Reverting(UseCases):
    def revert(self, actor: Actor, decision_id: uuid.UUID, reason: str) -> Decided:
        actor.require(REVERT)
        return regraph(self.store, revert(self.store, actor, decision_id, reason))
