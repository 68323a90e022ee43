"""The review queue, decisions (ETag / If-Match), direct links, and reverting a decision."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response

from api.deps import ActorDep, ServiceDep
from api.patterns import CURSOR
from api.schemas import (
    LIST_RESPONSES,
    Calibration,
    DecisionRequest,
    DecisionResult,
    DecisionView,
    LinkRequest,
    OutdatedDecision,
    RevertRequest,
    RevertResult,
    SuggestionDetail,
    SuggestionPage,
)
from models.records import CaseType
from models.review import DecisionKind, SuggestionStatus
from service.records import MAX_PAGE

router = APIRouter(tags=["review"])


def _encode_cursor(cursor: tuple[int, float, str] | None) -> str | None:
    if cursor is None:
        return None
    group, uncertainty, last = cursor
    return f"{group}_{uncertainty:.6f}_{UUID(last).hex}"


def _decode_cursor(text: str) -> tuple[int, float, str]:
    group, uncertainty, last = text.split("_")
    return int(group), float(uncertainty), str(UUID(hex=last))


@router.get("/suggestions", response_model=SuggestionPage, responses=LIST_RESPONSES)
def list_suggestions(
    actor: ActorDep,
    service: ServiceDep,
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
    page = service.list_suggestions(
        actor,
        filters,
        limit,
        offset,
        _decode_cursor(cursor) if cursor else None,
        (min_probability, max_probability),
    )
    return SuggestionPage.model_validate(
        {
            "items": page.items,
            "total": page.total,
            "total_capped": page.total_capped,
            "limit": page.limit,
            "next_cursor": _encode_cursor(page.next_cursor),
        }
    )


@router.get("/suggestions/next", response_model=SuggestionDetail, responses=LIST_RESPONSES)
def next_suggestion(
    actor: ActorDep,
    service: ServiceDep,
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
        "case_type": case_type.value if case_type else None,
        "involves_minor": involves_minor,
        "organisation": organisation,
    }
    read = service.next_suggestion(actor, filters, skip)
    response.headers["ETag"] = read.etag
    return read.detail


@router.get("/suggestions/calibration", response_model=Calibration)
def calibration(actor: ActorDep, service: ServiceDep) -> Any:
    """Whether the engine's probabilities hold on these records: per band of probability,
    how often reviewers confirmed the pairs of the queue's random share (one suggestion in
    ten, placed at random in the queue) against the engine's mean probability there."""
    return service.calibration(actor)


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionDetail)
def get_suggestion(
    suggestion_id: UUID,
    actor: ActorDep,
    service: ServiceDep,
    response: Response,
) -> Any:
    """Both records side by side with every field's comparison; carries an ETag."""
    read = service.read_suggestion(actor, suggestion_id)
    response.headers["ETag"] = read.etag
    return read.detail


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
    actor: ActorDep,
    service: ServiceDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=1000)] = None,
) -> Any:
    decided = service.decide(actor, suggestion_id, DecisionKind(body.decision), body.note, if_match)
    if decided.etag:
        response.headers["ETag"] = decided.etag
    return decided.body()


@router.post("/links", response_model=DecisionResult, status_code=201)
def post_link(body: LinkRequest, actor: ActorDep, service: ServiceDep) -> Any:
    """Link (or unlink) two records directly; a link involving a minor still needs a second
    reviewer's confirmation on the suggestion it creates."""
    kind = DecisionKind.MATCH if body.action == "link" else DecisionKind.NON_MATCH
    return service.link_records(actor, body.record_a, body.record_b, kind, body.note).body()


@router.get("/decisions/outdated", response_model=list[OutdatedDecision], responses=LIST_RESPONSES)
def outdated_decisions(actor: ActorDep, service: ServiceDep) -> Any:
    """Pairs reviewers confirmed or rejected whose records an import changed afterwards,
    newest decision first (at most 200), with the fields that changed: each decision
    stands; read the pair again, and revert the decision if it no longer holds."""
    return service.outdated_decisions(actor)


@router.get("/decisions/{decision_id}", response_model=DecisionView)
def get_decision(decision_id: UUID, actor: ActorDep, service: ServiceDep) -> Any:
    return service.read_decision(actor, decision_id)


@router.post("/decisions/{decision_id}/revert", response_model=RevertResult, status_code=201)
def revert_decision(
    decision_id: UUID,
    body: RevertRequest,
    actor: ActorDep,
    service: ServiceDep,
) -> Any:
    """Undo a decision with a reason: the persons are restored exactly as they were."""
    return service.revert(actor, decision_id, body.reason).body()
