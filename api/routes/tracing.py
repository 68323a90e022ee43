"""Family tracing: the relatives of a person (declared and inferred), the safe-return
assessment and the flags (possible re-trafficking, sought by the family), every read
audited.

A relative is shown by name, relation, score, reasons and flags; never a phone or a
current location, of the person or of the relative. A relative named as a suspect in
any case carries the flag ``suspect`` and a warning reason.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import ActorDep, ServiceDep
from api.schemas import LIST_RESPONSES

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


@router.get("/entities/{entity_id}/relatives", response_model=list[RelativeOut])
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


class FactorOut(BaseModel):
    factor: str
    status: str
    evidence: list[str]
    reasons: list[str]


class AssessmentOut(BaseModel):
    entity_id: str | None
    assessed_on: str
    advisory: bool
    status: str
    factors: list[FactorOut]


@router.get("/entities/{entity_id}/assessment", response_model=AssessmentOut)
def get_assessment(entity_id: UUID, actor: ActorDep, service: ServiceDep) -> Any:
    """Safe-return assessment, advisory: each factor the data informs (a suspect in the
    family, earlier trafficking, a minor, a caregiver, consent, the area of return) as
    `risk`, `no_known_risk` or `unknown`, with evidence and reasons. Never "safe": an
    unknown factor is not a pass."""
    return service.assessment_of_entity(actor, entity_id, lang=actor.lang)


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
