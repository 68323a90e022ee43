"""The review queue, decisions (ETag / If-Match), direct links, and reverting a decision."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Query, Response

from api import review
from api.deps import Authorized, Context, ContextDep, ServiceDep
from api.schemas import (
    DecisionRequest,
    DecisionResult,
    DecisionView,
    LinkRequest,
    RevertRequest,
    SuggestionDetail,
    SuggestionPage,
)
from api.service import Service
from models.records import CaseType
from models.review import DecisionKind, SuggestionStatus
from models.store.base import MAX_PAGE
from models.store.review import COUNT_CAP
from models.users import User

router = APIRouter(tags=["review"])


CURSOR = r"^[01]_[0-9]\.[0-9]{6}_[0-9a-f]{32}$"
"""`group_uncertainty_id` of the last suggestion of a page (as `next_cursor` gives it)."""


def _encode_cursor(cursor: tuple[int, float, str] | None) -> str | None:
    if cursor is None:
        return None
    group, uncertainty, last = cursor
    return f"{group}_{uncertainty:.6f}_{UUID(last).hex}"


def _decode_cursor(text: str) -> tuple[int, float, str]:
    group, uncertainty, last = text.split("_")
    return int(group), float(uncertainty), str(UUID(hex=last))


@router.get("/suggestions", response_model=SuggestionPage)
def list_suggestions(
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    status: SuggestionStatus | None = SuggestionStatus.PENDING,
    case_type: CaseType | None = None,
    involves_minor: bool | None = None,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    min_probability: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_probability: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR, description="`next_cursor` of the previous page (keyset paging)"),
    ] = None,
) -> SuggestionPage:
    """The queue, children and open tracing requests first, then the most uncertain."""
    filters = {
        "status": status.value if status else None,
        "case_type": case_type.value if case_type else None,
        "involves_minor": involves_minor,
        "organisation": organisation,
    }
    page = service.store.suggestion_queue(
        filters,
        limit,
        offset,
        _decode_cursor(cursor) if cursor else None,
        (min_probability, max_probability),
    )
    items = [review.suggestion_summary(s) for s in page.items]
    service.audit(user, "list_suggestions", "suggestion", [i["id"] for i in items], context)
    return SuggestionPage.model_validate(
        {
            "items": items,
            "total": min(page.total, COUNT_CAP),
            "total_capped": page.total > COUNT_CAP,
            "limit": limit,
            "next_cursor": _encode_cursor(page.next_cursor),
        }
    )


@router.get("/suggestions/next", response_model=SuggestionDetail)
def next_suggestion(
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    response: Response,
    case_type: CaseType | None = None,
    involves_minor: bool | None = None,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    skip: Annotated[
        int, Query(ge=0, le=50, description="take the one after this many (for a team)")
    ] = 0,
) -> Any:
    """The next pending suggestion in queue order, side by side, in one call (with its ETag);
    404 when none waits."""
    filters = {
        "status": SuggestionStatus.PENDING.value,
        "case_type": case_type.value if case_type else None,
        "involves_minor": involves_minor,
        "organisation": organisation,
    }
    page = service.store.suggestion_queue(filters, 1, offset=skip, count=False)
    if not page.items:
        raise HTTPException(404, "no suggestion waits in this queue")
    return _detail(service, user, context, response, page.items[0])


def _detail(
    service: Service,
    user: User,
    context: Context,
    response: Response,
    suggestion: dict[str, Any],
) -> dict[str, Any]:
    detail = review.suggestion_detail(service.store, user, suggestion, context.lang)
    service.audit(
        user,
        "read_suggestion",
        "suggestion",
        [suggestion["id"], suggestion["record_a"], suggestion["record_b"]],
        context,
    )
    response.headers["ETag"] = review.etag(suggestion)
    return detail


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionDetail)
def get_suggestion(
    suggestion_id: UUID,
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    response: Response,
) -> Any:
    """Both records side by side with every field's comparison; carries an ETag."""
    suggestion = service.store.get_suggestion(suggestion_id)
    if suggestion is None:
        raise HTTPException(404, "no such suggestion")
    return _detail(service, user, context, response, suggestion)


@router.post(
    "/suggestions/{suggestion_id}/decision",
    response_model=DecisionResult,
    responses={
        409: {"description": "already decided, withdrawn, or four eyes"},
        412: {"description": "stale If-Match"},
        428: {"description": "If-Match missing"},
    },
)
def post_decision(
    suggestion_id: UUID,
    body: DecisionRequest,
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=200)] = None,
) -> Any:
    result = review.decide(
        service.store,
        user,
        suggestion_id,
        DecisionKind(body.decision),
        body.note,
        if_match,
        context.request_id,
    )
    response.headers["ETag"] = result.pop("etag")
    return result


@router.post("/links", response_model=DecisionResult, status_code=201)
def post_link(body: LinkRequest, user: Authorized, service: ServiceDep, context: ContextDep) -> Any:
    """Link (or unlink) two records directly; a link involving a minor still needs a second
    reviewer's confirmation on the suggestion it creates."""
    kind = DecisionKind.MATCH if body.action == "link" else DecisionKind.NON_MATCH
    result = review.link_records(
        service.store, user, body.record_a, body.record_b, kind, body.note, context.request_id
    )
    result.pop("etag", None)
    return result


@router.get("/decisions/{decision_id}", response_model=DecisionView)
def get_decision(
    decision_id: UUID, user: Authorized, service: ServiceDep, context: ContextDep
) -> Any:
    event = service.store.get_decision(decision_id)
    if event is None:
        raise HTTPException(404, "no such decision")
    touching = service.store.decisions_touching([event["record_a"]])
    reverted = any(d["reverts"] == decision_id for d in touching)
    service.audit(user, "read_decision", "decision", [decision_id], context)
    return review.decision_view(event, reverted)


@router.post("/decisions/{decision_id}/revert", response_model=DecisionResult, status_code=201)
def revert_decision(
    decision_id: UUID,
    body: RevertRequest,
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
) -> Any:
    """Undo a decision with a reason: the persons are restored exactly as they were."""
    return review.revert(service.store, user, decision_id, body.reason, context.request_id)
