"""Review use cases that read: the queue, one suggestion side by side, one decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from models.records import CaseType
from models.review import SuggestionStatus
from models.store import Store
from models.store.queue import COUNT_CAP, QueuePage
from service.context import ADMIN, REVIEWER, Actor, UseCases
from service.errors import NotFound
from service.protection import Access, access_by_source, record_view, shared, shared_by_source
from service.review import confirmations, decision_view
from service.shown_reasons import reasons_shown
from service.suggestion_tag import suggestion_tag

__all__ = ["COUNT_CAP", "READ_QUEUE", "Queue", "suggestion_detail", "suggestion_summary"]

READ_QUEUE = frozenset({ADMIN, REVIEWER})


def for_reviewer(actor: Actor, filters: dict[str, Any]) -> dict[str, Any]:
    """The queue's filters as this reader works it: the four-eyes queue leaves out the
    merges they confirmed first (another reviewer must confirm those); a case type
    filters on the records whose case file the reader may read (`case_type_of`, their
    organisation's, unless they are an admin or state a purpose): which pairs it keeps
    would otherwise tell another organisation's case types."""
    user = actor.user
    if filters.get("status") == SuggestionStatus.AWAITING_SECOND.value and user:
        filters = {**filters, "not_confirmed_by": user.id}
    if filters.get("case_type") and user and user.role is not ADMIN and not actor.stated_purpose:
        filters = {**filters, "case_type_of": user.organisation}
    return filters


def case_types_read(s: dict[str, Any], actor: Actor) -> list[str | None]:
    """A suggestion's two case types as `actor` may read them: None for a record read in
    its minimal view ("identification" would say a victim's file)."""
    return [
        s[f"case_type_{x}"]
        if access_by_source(actor, s[f"source_{x}"]) is not Access.MINIMAL
        else None
        for x in ("a", "b")
    ]


def suggestion_summary(s: dict[str, Any], actor: Actor) -> dict[str, Any]:
    """A queue entry: no names, no places; what a reviewer needs to pick the next one. A
    record's case type, and whether it is a tracing request, only to a reader of its
    case file (`case_types_read`)."""
    case_types = case_types_read(s, actor)
    return {
        "id": str(s["id"]),
        "status": s["status"],
        "probability": round(s["probability"], 4),
        "involves_minor": s["involves_minor"],
        "tracing_request": CaseType.TRACING_REQUEST.value in case_types,
        "sampled": s["sampled"],
        "case_types": case_types,
        "organisations": sorted({s["source_a"], s["source_b"]}),
        "record_ids": [str(s["record_a"]), str(s["record_b"])],
        "confirmations": confirmations(SuggestionStatus(s["status"]), s["involves_minor"]),
        "model_version": s["model_version"],
        "version": s["version"],
        "updated_at": s["updated_at"].isoformat(),
    }


def suggestion_detail(
    store: Store, actor: Actor, suggestion: dict[str, Any], lang: str
) -> dict[str, Any]:
    """Both records side by side, each field's comparison level, weight and reason."""
    found = {
        r.id: r for r in store.records_by_ids([suggestion["record_a"], suggestion["record_b"]])
    }
    first, second = found.get(suggestion["record_a"]), found.get(suggestion["record_b"])
    if first is None or second is None:
        raise NotFound("a record of this suggestion no longer exists")
    own = store.decisions_of_suggestion(suggestion["id"])
    reverted = {d.reverts for d in own if d.reverts}
    outdated = store.outdated_first_confirmation(suggestion)
    return {
        **suggestion_summary(suggestion, actor),
        "records": [record_view(first, actor), record_view(second, actor)],
        "comparison": [
            {
                "field": r["field"],
                "level": r["level"],
                "weight": r["weight"],
                "reason": r.get(lang) or r["fr"],
            }
            for r in reasons_shown(actor, suggestion["reasons"], (first, second))
        ],
        "decisions": [decision_view(d, d.id in reverted) for d in own],
        "confirmed_by_you": actor.user is not None
        and outdated is None
        and suggestion["status"] == SuggestionStatus.AWAITING_SECOND.value
        and suggestion["confirmed_by"] == actor.user.id,
        "first_confirmation_outdated": outdated is not None,
    }


def records_of(pairs: list[Any]) -> list[str]:
    """The records a list or an export of pairs names, for its audit row: "who read record
    R?" finds it (`GET /audit?object_id=R`)."""
    seen: dict[str, None] = {}
    for pair in pairs:
        first, second = (
            (pair["record_a"], pair["record_b"])
            if isinstance(pair, dict)
            else (pair.record_a, pair.record_b)
        )
        seen.setdefault(str(first))
        seen.setdefault(str(second))
    return list(seen)


@dataclass
class SuggestionList:
    """A page of the queue; `next_cursor` is where the next page starts (keyset paging)."""

    items: list[dict[str, Any]]
    total: int
    total_capped: bool
    limit: int
    next_cursor: tuple[int, float, str] | None


@dataclass
class SuggestionRead:
    """One suggestion side by side, and the ETag a decision on it must send back."""

    detail: dict[str, Any]
    etag: str


class Queue(UseCases):
    def list_suggestions(
        self,
        actor: Actor,
        filters: dict[str, Any],
        limit: int,
        offset: int,
        cursor: tuple[int, float, str] | None,
        probability: tuple[float | None, float | None],
    ) -> SuggestionList:
        """The queue, children and open tracing requests first, then the most uncertain."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "list_suggestions", "suggestion")
        page = self.store.suggestion_queue(
            for_reviewer(actor, filters), limit, offset, cursor, probability
        )
        items = [suggestion_summary(s, actor) for s in page.items]
        self.audit(
            actor,
            "list_suggestions",
            "suggestion",
            [i["id"] for i in items],
            records=records_of(page.items),
            **shared_by_source(
                actor, ((s[f"record_{x}"], s[f"source_{x}"]) for s in page.items for x in "ab")
            ),
        )
        return SuggestionList(
            items, min(page.total, COUNT_CAP), page.total > COUNT_CAP, limit, page.next_cursor
        )

    def next_suggestion(self, actor: Actor, filters: dict[str, Any], skip: int) -> SuggestionRead:
        """The next pending suggestion in queue order (`skip` others, for a team)."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "list_suggestions", "suggestion")
        filters = for_reviewer(actor, {**filters, "status": SuggestionStatus.PENDING.value})
        page: QueuePage = self.store.suggestion_queue(filters, 1, offset=skip, count=False)
        if not page.items:
            raise NotFound("no suggestion waits in this queue")
        return self._read(actor, page.items[0])

    def read_suggestion(self, actor: Actor, suggestion_id: UUID) -> SuggestionRead:
        """Both records side by side with every field's comparison, and the ETag."""
        actor.require(READ_QUEUE)
        suggestion = self.store.get_suggestion(suggestion_id)
        if suggestion is None:
            raise NotFound("no such suggestion")
        return self._read(actor, suggestion)

    def _read(self, actor: Actor, suggestion: dict[str, Any]) -> SuggestionRead:
        detail = suggestion_detail(self.store, actor, suggestion, actor.lang)
        self.audit(
            actor,
            "read_suggestion",
            "suggestion",
            [suggestion["id"], suggestion["record_a"], suggestion["record_b"]],
            **shared(actor, detail["records"]),
        )
        return SuggestionRead(detail, suggestion_tag(suggestion, detail["records"]))

    def read_decision(self, actor: Actor, decision_id: UUID) -> dict[str, Any]:
        actor.require(READ_QUEUE)
        event = self.store.get_decision(decision_id)
        if event is None:
            raise NotFound("no such decision")
        touching = self.store.decisions_touching([event.record_a])
        reverted = any(d.reverts == decision_id for d in touching)
        self.audit(actor, "read_decision", "decision", [decision_id])
        return decision_view(event, reverted)
