"""Family tracing: the relatives of a person (declared and inferred), the safe-return
assessment and the flags (possible re-trafficking, sought by the family), every read
audited.

A relative is shown by name, relation, score, reasons and flags; never a phone or a
current location, of the person or of the relative. A relative named as a suspect in
any case carries the flag ``suspect`` and a warning reason.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field

from api.deps import ActorDep, ServiceDep
from api.schemas import LIST_RESPONSES, Forbid
from service.returns import ReturnRequest
from tracing.decisions import DECISIONS, BestInterests

router = APIRouter(tags=["tracing"])
MAX_RELATIVES = 50


class RelativeOut(BaseModel):
    record_id: str
    source: str
    entity_id: str | None
    name: str
    relation: str
    score: float
    declared: bool
    flags: list[str]
    reasons: list[str]


@router.get(
    "/entities/{entity_id}/relatives", response_model=list[RelativeOut], responses=LIST_RESPONSES
)
def get_relatives(
    entity_id: UUID,
    actor: ActorDep,
    service: ServiceDep,
    top: Annotated[int, Query(ge=1, le=MAX_RELATIVES)] = 10,
) -> Any:
    """Proposed relatives of the person, ranked: declared relations first, then inferred
    ones (parents' names, patronyms, ages, origin, shared case files) with their reasons.
    The `top` best, then any relative named as a suspect ranked below them (flag
    `suspect`): a warning is never cut off."""
    return service.relatives_of_entity(actor, entity_id, top=top, lang=actor.lang)


class RecordRefOut(BaseModel):
    """A record as its files name it: the organisation and its id there."""

    source: str
    record_id: str


class FactorOut(BaseModel):
    factor: str
    status: str
    evidence: list[str]
    """The ids of the records the factor rests on (`records` names their organisations)."""
    records: list[RecordRefOut]
    reasons: list[str]


class ReturnDecisionOut(BaseModel):
    id: str
    decision: str
    decided_at: str
    decided_by: str | None
    organisation: str | None
    note: str | None
    review_by: str
    best_interests: dict[str, str | None] | None
    override: str | None
    withheld: str | None = None
    """Why the note, override and determination are not shown (the person was split
    since the decision)."""
    assessment_status: str
    assessed_on: str
    state: Literal["in_force", "stale", "superseded"]
    in_force: bool
    stale: list[str]


class AssessedOut(BaseModel):
    """The assessment itself, as `service.assessed.Assessed.as_dict` gives it."""

    entity_id: str | None
    assessed_on: str
    advisory: bool
    status: str
    version: str
    factors: list[FactorOut]


class AssessmentOut(AssessedOut):
    decisions: list[ReturnDecisionOut]


class DecidedOut(AssessedOut):
    decision: ReturnDecisionOut


class BestInterestsIn(Forbid):
    decided_on: date
    body: str = Field(min_length=1, max_length=200)
    reference: str | None = Field(default=None, max_length=200)


class ReturnDecisionIn(Forbid):
    decision: Literal[DECISIONS]
    note: str | None = Field(default=None, max_length=2000)
    review_by: date | None = None
    best_interests: BestInterestsIn | None = None
    override: str | None = Field(default=None, min_length=1, max_length=2000)


@router.get("/entities/{entity_id}/assessment", response_model=AssessmentOut)
def get_assessment(
    entity_id: UUID, actor: ActorDep, service: ServiceDep, response: Response
) -> Any:
    """Safe-return assessment, advisory: each factor the data informs (a suspect in the
    family, earlier trafficking, a minor, a caregiver, consent, the area of return) as
    `risk`, `no_known_risk` or `unknown`, with evidence and reasons. Never "safe": an
    unknown factor is not a pass. With every decision recorded on the person, the latest
    first: `state` `in_force`, `stale` (due for review, or made on what changed since:
    `stale` says why) or `superseded`. The ETag (also `version`: the assessment and its
    latest decision) is what a decision is sent with."""
    found = service.assessment_of_entity(actor, entity_id, lang=actor.lang)
    response.headers["ETag"] = f'"{found["version"]}"'
    return found


@router.post(
    "/entities/{entity_id}/assessment/decisions",
    response_model=DecidedOut,
    status_code=201,
    responses={
        403: {"description": "not a caseworker of the person's case files, or an override"},
        409: {"description": "a return cannot be recommended on this assessment"},
        412: {"description": "the assessment or its decisions changed since they were read"},
        428: {"description": "If-Match missing"},
    },
)
def post_return_decision(
    entity_id: UUID,
    body: ReturnDecisionIn,
    actor: ActorDep,
    service: ServiceDep,
    response: Response,
    if_match: Annotated[str | None, Header(alias="If-Match", max_length=200)] = None,
) -> Any:
    """Record the caseworker's decision on a return (`return_recommended`,
    `return_not_recommended`, `further_assessment`) on the assessment read
    (`If-Match`: its ETag), by a caseworker of an organisation holding one of the
    person's case files (or an admin). A return is never recommended against the
    person's refusal, nor for a minor or a person of unknown age without a Best Interests
    Determination of the past year; nor while the family's involvement is a risk or
    unknown or the consent is not recorded, unless an admin overrides with a reason
    (409 says what stands in the way). Due for review on `review_by` (default: in 90
    days, at most a year)."""
    bid = body.best_interests
    request = ReturnRequest(
        body.decision,
        body.note,
        body.review_by,
        BestInterests(bid.decided_on, bid.body, bid.reference) if bid else None,
        body.override,
    )
    decided = service.decide_return_of_entity(actor, entity_id, request, if_match, lang=actor.lang)
    response.headers["ETag"] = f'"{decided["version"]}"'
    return decided


class FlagOut(BaseModel):
    entity_id: str | None
    flag: str
    evidence: list[str]
    latest: str | None
    reason: str


class FlagPage(BaseModel):
    items: list[FlagOut]
    total: int
    limit: int
    offset: int


@router.get("/flags", response_model=FlagPage, responses=LIST_RESPONSES)
def get_flags(
    actor: ActorDep,
    service: ServiceDep,
    flag: Literal["possible_retrafficking", "sought_by_family"] | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Persons identified in two case files or returned in two (possible re-trafficking;
    an identification and its return are one episode) and persons assisted whom a family is
    looking for, newest first: entity, flag, record ids, reason."""
    return service.flags(actor, flag=flag, limit=limit, offset=offset, lang=actor.lang)


class DueOut(BaseModel):
    entity_id: str
    decision: str
    decided_at: str
    review_by: str
    days_overdue: int
    organisation: str | None


class DuePage(BaseModel):
    items: list[DueOut]
    total: int
    limit: int
    offset: int


@router.get("/returns/due", response_model=DuePage, responses=LIST_RESPONSES)
def get_returns_due(
    actor: ActorDep,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Persons whose decision in force on a return is due for review (the review date
    today or passed), the most overdue first: a caseworker sees their organisation's
    decisions, an admin every one. Open the assessment to review it."""
    return service.returns_due(actor, limit=limit, offset=offset)
