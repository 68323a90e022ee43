"""Review use cases that change persons: decisions, direct links, revert.

Every decision is an append-only event written with the entity changes it
made (`entities_before` / `entities_after`), inside one serialised
transaction with its audit row; a revert is another event that restores
`entities_before` exactly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from i18n import N_, Message, Word
from models.queue_sample import uncertainty
from models.records import PersonRecord
from models.review import (
    DECIDED_STATUSES,
    DecisionKind,
    Effect,
    SuggestionStatus,
    minor_persons,
    replay,
)
from models.store import Store
from models.store.audit import write_audit
from models.store.review import DecisionEvent, ReviewTx
from models.store.stamps import records_by_ids_on
from models.users import User
from service.context import ADMIN, REVIEWER, Actor, UseCases
from service.errors import Conflict, NotFound
from service.kingraph import update_graph
from service.merging import merge, require_mergeable, split
from service.protection import record_view
from service.registry import active_learned, active_model
from service.scoring import score_pair, suggestion_row
from service.suggestion_tag import check_tag, suggestion_tag

DECIDE = frozenset({REVIEWER})
"""Decisions are reviewers' work only: an admin may revert one, with a reason, but never
decides."""
REVERT = frozenset({ADMIN, REVIEWER})


@dataclass(frozen=True, slots=True)
class Decided:
    """What a decision, a direct link or a revert did: the decision event as shown, the
    suggestion's new state (None for a revert of a decision without one), after a
    decision the ETag the suggestion now carries, and the records whose person it
    changed (a revert may take a record from a person that neither record of the pair is
    in now, e.g. after `nrm relink`)."""

    decision: dict[str, Any]
    suggestion: dict[str, Any] | None
    etag: str | None = None
    moved: frozenset[uuid.UUID] = frozenset()

    def body(self) -> dict[str, Any]:
        return {"decision": self.decision, "suggestion": self.suggestion}


def _records_of(tx: ReviewTx, suggestion: dict[str, Any]) -> dict[uuid.UUID, PersonRecord]:
    pair = (suggestion["record_a"], suggestion["record_b"])
    found = {r.id: r for r in records_by_ids_on(tx.c, pair)}
    if len(found) < 2:
        raise NotFound("a record of this suggestion no longer exists")
    return found


def event_row(
    user: User,
    suggestion_id: uuid.UUID | None,
    pair: tuple[uuid.UUID, uuid.UUID],
    decision: DecisionKind,
    note: str | None,
    effect: Effect,
    entities: tuple[dict[str, str | None], dict[str, str | None]],
    model_version: str | None,
    reverts: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A decision event to append (`DecisionEvent` but its id, sequence and time)."""
    return {
        "suggestion_id": suggestion_id,
        "record_a": pair[0],
        "record_b": pair[1],
        "decision": decision.value,
        "note": note,
        "reverts": reverts,
        "effect": effect.value,
        "entities_before": entities[0],
        "entities_after": entities[1],
        "model_version": model_version,
        "user_id": user.id,
        "user_name": user.name,
        "role": user.role.value,
        "organisation": user.organisation,
    }


def withdrawal(user: User, confirmation: DecisionEvent, note: str) -> dict[str, Any]:
    """The revert event by which `user` withdraws a child's first confirmation (it changed
    no person), noting why."""
    return event_row(
        user,
        confirmation.suggestion_id,
        (confirmation.record_a, confirmation.record_b),
        DecisionKind.REVERT,
        note,
        Effect.NONE,
        ({}, {}),
        confirmation.model_version,
        reverts=confirmation.id,
    )


def _apply(
    tx: ReviewTx,
    store: Store,
    actor: Actor,
    suggestion: dict[str, Any],
    decision: DecisionKind,
    note: str | None,
    records: dict[uuid.UUID, PersonRecord],
) -> Decided:
    """Decide `suggestion` on its two `records` (`_records_of`, read in this transaction:
    the decision's ETag is of their views)."""
    user = actor.user
    assert user is not None
    status = SuggestionStatus(suggestion["status"])
    if status in DECIDED_STATUSES:
        raise Conflict(
            "this suggestion is already {status}; revert that decision to change it",
            status=Word(status.value),
        )
    if status is SuggestionStatus.WITHDRAWN:
        raise Conflict("this suggestion was withdrawn: linkage no longer finds the pair uncertain")
    set_aside = None
    if decision is DecisionKind.MATCH and status is SuggestionStatus.AWAITING_SECOND:
        set_aside = _set_aside_if_records_changed(tx, actor, suggestion)
        if set_aside is not None:
            suggestion = {**suggestion, "confirmed_by": None}
    if (
        decision is DecisionKind.MATCH
        and status is SuggestionStatus.AWAITING_SECOND
        and suggestion["confirmed_by"] == user.id
    ):
        raise Conflict(
            "you already confirmed this match; it involves a minor, so a second, different "
            "reviewer must confirm it (four eyes)"
        )
    if decision is DecisionKind.MATCH and not suggestion["involves_minor"]:
        suggestion = _with_persons_ages(tx, suggestion)
    history = [(d.decision, d.user_id) for d in tx.effective_of(suggestion["id"])]
    state = replay([*history, (decision.value, user.id)], suggestion["involves_minor"])
    a, b = suggestion["record_a"], suggestion["record_b"]
    effect, before, after = Effect.NONE, {}, {}
    if state.status is SuggestionStatus.CONFIRMED:
        effect, before, after = merge(tx, a, b, user.organisation)
    elif state.status is SuggestionStatus.REJECTED:
        effect, before, after = split(tx, a, b, active_model(store).match_threshold)
    elif state.status is SuggestionStatus.AWAITING_SECOND:
        require_mergeable(tx, a, b, user.organisation)
        effect = Effect.FIRST_CONFIRMATION
    event = tx.add_decision(
        event_row(
            user,
            suggestion["id"],
            (a, b),
            decision,
            note,
            effect,
            (before, after),
            suggestion["model_version"],
        )
    )
    version = tx.set_suggestion(suggestion["id"], state.status.value, state.confirmed_by)
    moved = moved_records(before, after)
    if moved:  # persons changed: their other pairs may now join a child's person
        tx.mark_minor_persons({a, b, *moved})
    write_audit(
        tx.c,
        user,
        actor.entry(
            "decision",
            "suggestion",
            (suggestion["id"], a, b, *([set_aside.id] if set_aside else [])),
            decision=decision.value,
            effect=effect.value,
            event=str(event.id),
            **({"first_confirmation_withdrawn": str(set_aside.id)} if set_aside else {}),
        ),
    )
    updated = {**suggestion, "status": state.status.value, "version": version}
    return Decided(
        decision_view(event),
        {
            "id": str(suggestion["id"]),
            "status": state.status.value,
            "version": version,
            "confirmations": confirmations(state.status, suggestion["involves_minor"]),
            "confirmation_withdrawn": str(set_aside.id) if set_aside else None,
        },
        suggestion_tag(updated, [record_view(records[r], actor) for r in (a, b)]),
        moved,
    )


RECORDS_CHANGED = N_(
    "the records changed after this first confirmation: confirmed again on what they say now"
)
"""The note of the revert that withdraws a first confirmation the records outdated."""


def _set_aside_if_records_changed(
    tx: ReviewTx, actor: Actor, suggestion: dict[str, Any]
) -> DecisionEvent | None:
    """Withdraw the first confirmation of a child's merge when an import changed either
    record after it (`ReviewTx.outdated_first_confirmation`), by a revert of the reviewer
    confirming now, noted `RECORDS_CHANGED`: four eyes are two reviewers confirming the
    same records, so this confirmation is the first on the records as they are, and
    another reviewer must confirm it. The withdrawn confirmation, or None."""
    confirmed = tx.outdated_first_confirmation(suggestion)
    if confirmed is None:
        return None
    user = actor.user
    assert user is not None
    tx.add_decision(withdrawal(user, confirmed, Message(RECORDS_CHANGED).text(actor.lang)))
    return confirmed


def _with_persons_ages(tx: ReviewTx, suggestion: dict[str, Any]) -> dict[str, Any]:
    """The suggestion, marked as involving a minor when a record of either person may be a
    child's, though neither record of the pair says so (an adult-looking record without a
    birth date, whose person holds a girl's record), or when no record of a person tells
    their age (`models.review.minor_persons`): a merge that joins a child's person needs
    two reviewers whichever two records it was decided on, and a person of unknown age is
    treated as a child (as a return is: `tracing.assessment`). Linking and decisions that
    change persons mark such suggestions when they write them
    (`ReviewTx.mark_minor_persons`); this is the last guard, on the persons as they are
    when the merge is decided."""
    if not minor_persons(tx.ages_of_persons([suggestion["record_a"], suggestion["record_b"]])):
        return suggestion
    tx.mark_involves_minor(suggestion["id"])
    return {**suggestion, "involves_minor": True, "queue_group": 0}


def moved_records(before: dict[str, Any], after: dict[str, Any]) -> frozenset[uuid.UUID]:
    return frozenset(uuid.UUID(str(r)) for r in (*before, *after))


def confirmations(status: SuggestionStatus, involves_minor: bool) -> int:
    """How many reviewers' confirmations stand: one merges an adult's records, a minor's
    need two (four eyes)."""
    if status is SuggestionStatus.CONFIRMED:
        return 2 if involves_minor else 1
    return 1 if status is SuggestionStatus.AWAITING_SECOND else 0


def decision_view(event: DecisionEvent, reverted: bool = False) -> dict[str, Any]:
    return {
        "id": str(event.id),
        "suggestion_id": str(event.suggestion_id) if event.suggestion_id else None,
        "record_a": str(event.record_a),
        "record_b": str(event.record_b),
        "decision": event.decision,
        "note": event.note,
        "effect": event.effect,
        "reverts": str(event.reverts) if event.reverts else None,
        "reverted": reverted,
        "model_version": event.model_version,
        "user": event.user_name,
        "role": event.role,
        "created_at": event.created_at.isoformat(),
    }


def decide(
    store: Store,
    actor: Actor,
    suggestion_id: uuid.UUID,
    decision: DecisionKind,
    note: str | None,
    if_match: str | None,
) -> Decided:
    with store.review_transaction() as tx:
        suggestion = tx.suggestion(suggestion_id)
        if suggestion is None:
            raise NotFound("no such suggestion")
        records = _records_of(tx, suggestion)
        check_tag(suggestion, records, actor, if_match)
        return _apply(tx, store, actor, suggestion, decision, note, records)


def link_records(
    store: Store,
    actor: Actor,
    record_a: uuid.UUID,
    record_b: uuid.UUID,
    decision: DecisionKind,
    note: str | None,
) -> Decided:
    """A reviewer links (or unlinks) two records directly: the pair becomes a suggestion
    (scored now if it was never suggested) and the decision is applied to it."""
    if record_a == record_b:
        raise Conflict("a record is always the same person as itself")
    first, second = store.get_record(record_a), store.get_record(record_b)
    if first is None or second is None:
        raise NotFound("no such record")
    model = active_model(store)
    scored = score_pair(
        first, second, model, store.estimated_record_count(), active_learned(store, model)
    )
    row = suggestion_row(
        scored,
        first.model_dump() if scored["record_a"] == first.id else second.model_dump(),
        second.model_dump() if scored["record_a"] == first.id else first.model_dump(),
        queued=False,
    )
    with store.review_transaction() as tx:
        suggestion = tx.suggestion_for_pair(record_a, record_b)
        if suggestion is None:
            suggestion = tx.add_suggestion(row)
            tx.mark_minor_persons([record_a, record_b])
        elif suggestion["status"] == SuggestionStatus.WITHDRAWN:
            tx.set_suggestion(suggestion["id"], SuggestionStatus.PENDING.value, None)
        if suggestion["sampled"]:
            tx.leave_sample(suggestion["id"], uncertainty(suggestion["probability"]))
        suggestion = tx.suggestion(suggestion["id"])
        assert suggestion is not None
        return _apply(tx, store, actor, suggestion, decision, note, _records_of(tx, suggestion))


def regraph(store: Store, done: Decided) -> Decided:
    """The family graph follows a decision that merged, split or restored persons."""
    event = done.decision
    if event["effect"] in (Effect.MERGED, Effect.SPLIT, Effect.RESTORED):
        pair = {uuid.UUID(event["record_a"]), uuid.UUID(event["record_b"])}
        update_graph(store, pair | done.moved)
    return done


class Review(UseCases):
    def decide(
        self,
        actor: Actor,
        suggestion_id: uuid.UUID,
        decision: DecisionKind,
        note: str | None,
        if_match: str | None,
    ) -> Decided:
        """Decide a suggestion read at the version `if_match` names; the result carries
        the suggestion's new ETag."""
        actor.require(DECIDE)
        return regraph(
            self.store, decide(self.store, actor, suggestion_id, decision, note, if_match)
        )

    def link_records(
        self,
        actor: Actor,
        record_a: uuid.UUID,
        record_b: uuid.UUID,
        decision: DecisionKind,
        note: str | None,
    ) -> Decided:
        actor.require(DECIDE)
        return regraph(
            self.store, link_records(self.store, actor, record_a, record_b, decision, note)
        )
