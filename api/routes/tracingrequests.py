"""Tracing search and tracing requests: a sought person described as the family tells it,
the potential matches of each tracing request, and the decision on a match, every read
and decision audited.

An answer carries a partial name, sex, age band, region of origin, score and reasons;
never a phone or a current location (the enquirer may be the trafficker).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Self

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from api.deps import ActorDep, ServiceDep
from api.patterns import PLAIN
from api.schemas import ErrorBody, Forbid, SearchHit
from models.records import Sex

router = APIRouter(tags=["tracing"])
MAX_RESULTS = 20
Text = Annotated[str | None, Field(default=None, min_length=2, max_length=100, pattern=PLAIN)]
Name = Annotated[str, Field(min_length=2, max_length=100, pattern=PLAIN)] | SkipJsonSchema[None]


class NamedIn(Forbid):
    """A person as a family describes them: a name (given, family or whole) is required,
    in any spelling; `UNNAMED` says what is missing when none is given."""

    UNNAMED: ClassVar[str] = "describe the person by a name (given or family)"
    UNDESCRIBED: ClassVar[frozenset[str]] = frozenset()
    """Fields of the body that are not the person's description."""
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [{"required": ["given"]}, {"required": ["family"]}, {"required": ["name"]}]
        }
    )

    given: Name = None
    family: Name = None
    name: Name = None
    sex: Sex | None = None

    @model_validator(mode="after")
    def _named(self) -> Self:
        if not (self.given or self.family or self.name):
            raise ValueError(self.UNNAMED)
        return self

    def described(self) -> dict[str, Any]:
        """The description as the use cases take it (`service.sought`): the sex as its
        letter."""
        return self.model_dump(mode="json", exclude=set(self.UNDESCRIBED))


class DescribedIn(NamedIn):
    """A sought person as the family describes it: a name (given or family) is required;
    any spelling, an approximate age or a birth year, origin, parents' names."""

    UNNAMED: ClassVar[str] = "describe the sought person by a name (given or family)"
    age: Annotated[int | None, Field(default=None, ge=0, le=120)] = None
    age_max: Annotated[
        int | None,
        Field(
            default=None,
            ge=0,
            le=120,
            description='the oldest the family says: with `age`, a range ("12-13 ans": 12 '
            'and 13; "plus de 18 ans": 18 and 120, in either order), alone an upper bound '
            '("moins de 10 ans": 9)',
        ),
    ] = None
    birth_year: Annotated[int | None, Field(default=None, ge=1900, le=2100)] = None
    village: Text = None
    commune: Text = None
    cercle: Text = None
    region: Text = None
    father: Text = None
    mother: Text = None


class SoughtIn(DescribedIn):
    """A sought person as the family describes it: a name (given or family) is required;
    any spelling, an approximate age or a birth year, origin, parents' names."""

    UNDESCRIBED: ClassVar[frozenset[str]] = frozenset({"top"})
    top: Annotated[int, Field(ge=1, le=MAX_RESULTS)] = 10


class TraceHit(SearchHit):
    reasons: list[str]


@router.post(
    "/tracing/search",
    response_model=list[TraceHit],
    responses={
        409: {"model": ErrorBody, "description": "the age and the birth year disagree"},
        429: {"model": ErrorBody, "description": "too many searches; retry later"},
    },
)
def trace(body: SoughtIn, actor: ActorDep, service: ServiceDep) -> Any:
    """Persons who may be the sought person, best first, with the reasons of the matching
    engine (names in any spelling, age, origin, parents): partial name, sex, age band,
    region and score only."""
    return service.trace(actor, body.described(), top=body.top)


class MatchedOut(BaseModel):
    entity_id: str
    sought_record_id: str | None
    """The sought record (`record_id`) the person was confirmed as; None: confirmed for
    the request as a whole."""


class RequestOut(BaseModel):
    source: str
    case_id: str
    records: int
    registered_on: str | None
    status: Literal["open", "matched"]
    matched_entity_id: str | None
    matched_entity_ids: list[str]
    """Every person confirmed for the request, in the order confirmed."""
    matched: list[MatchedOut]
    """The same persons, each with the sought record it was confirmed for."""
    sought: list[str] = []
    """The name of each person the request seeks, as the family gave it (their request)."""


class RequestPage(BaseModel):
    items: list[RequestOut]
    total: int
    limit: int
    offset: int


@router.get("/tracing/requests", response_model=RequestPage)
def tracing_requests(
    actor: ActorDep,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Tracing-request case files, newest first: open, or matched once a tracing officer
    confirmed a potential match."""
    return service.tracing_requests(actor, limit=limit, offset=offset)


class MatchOut(TraceHit):
    sought_record_id: str
    decision: Literal["confirmed", "dismissed"] | None
    decided_by: str | None = None
    decided_at: str | None = None
    """When the decision in force was taken (ISO, with its UTC offset)."""
    note: str | None = None


class SoughtOut(BaseModel):
    record_id: str
    name: str
    """As the family wrote it (their own request)."""
    found: bool


class MatchesOut(BaseModel):
    source: str
    case_id: str
    status: Literal["open", "matched"]
    sought_record_ids: list[str]
    sought: list[SoughtOut]
    matches: list[MatchOut]


Source = Annotated[str | None, Query(min_length=1, max_length=120)]


@router.get(
    "/tracing/requests/{case_id:path}/matches",
    response_model=MatchesOut,
    responses={429: {"model": ErrorBody, "description": "too many searches; retry later"}},
)
def tracing_matches(
    case_id: str,
    actor: ActorDep,
    service: ServiceDep,
    source: Source = None,
    top: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 10,
) -> Any:
    """The potential matches of each sought person of the request (the case's own records
    excepted; `sought_record_id` says which one a match fits best), dismissed ones last;
    once one is confirmed for a sought person, that one only for it. `source` names the
    organisation when two use the case id."""
    return service.tracing_matches(actor, case_id, source=source, top=top)


class MatchDecisionIn(Forbid):
    decision: Literal["confirmed", "dismissed"]
    note: Annotated[str | None, Field(default=None, max_length=2000)] = None
    sought_record_id: Annotated[str | None, Field(default=None, max_length=200)] = None


class MatchDecisionOut(BaseModel):
    source: str
    case_id: str
    entity_id: str
    sought_record_id: str | None
    decision: str
    decided_at: str


@router.post(
    "/tracing/requests/{case_id:path}/matches/{entity_id}/decision",
    response_model=MatchDecisionOut,
)
def decide_match(
    case_id: str,
    entity_id: str,
    body: MatchDecisionIn,
    actor: ActorDep,
    service: ServiceDep,
    source: Source = None,
) -> Any:
    """Confirm or dismiss a potential match (the latest decision on a person is in force;
    dismiss a confirmed match to reopen the request), for the sought record
    `sought_record_id` names when the family seeks several (404 if it is not one of the
    request's). Nothing of the found person is copied to the request."""
    return service.decide_tracing_match(
        actor,
        case_id,
        entity_id,
        body.decision,
        source=source,
        note=body.note,
        sought_record_id=body.sought_record_id,
    )
