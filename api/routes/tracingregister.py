"""Registering a tracing request taken at a desk (`POST /tracing/requests`): the requester
and the persons they seek, kept as a tracing-request case file of the officer's
organisation, open and given potential matches as files arrive.

Thin over `service.tracingregister`: the use case checks the role, validates and stores
the rows as an import does, links them and audits. The answer is the new case as
`GET /tracing/requests` lists it, with its record ids and where its potential matches
are; it names nobody but the family's own request.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import Field

from api.deps import ActorDep, ServiceDep
from api.patterns import PLAIN
from api.routes.tracingrequests import DescribedIn, NamedIn, RequestOut, Text
from api.schemas import ErrorBody, Forbid
from models.records import RelationKind
from service.tracingregister import MOST_SOUGHT

router = APIRouter(tags=["tracing"])


class RequesterIn(NamedIn):
    """The relative asking for tracing: a name is required; sex, age or birth year,
    phone (protected: shown only to the roles that need it) and origin are optional."""

    UNNAMED: ClassVar[str] = "name the requester (given or family name)"
    UNDESCRIBED: ClassVar[frozenset[str]] = frozenset({"relation"})
    age: Annotated[int | None, Field(default=None, ge=0, le=120)] = None
    birth_year: Annotated[int | None, Field(default=None, ge=1900, le=2100)] = None
    relation: RelationKind | None = Field(
        default=None,
        description="what the requester is to each sought person (`mother`: their mother)",
    )
    phone: Annotated[
        str | None, Field(default=None, min_length=2, max_length=40, pattern=PLAIN)
    ] = None
    village: Text = None
    commune: Text = None
    cercle: Text = None
    region: Text = None


class RegistrationIn(Forbid):
    requester: RequesterIn
    sought: Annotated[list[DescribedIn], Field(min_length=1, max_length=MOST_SOUGHT)]


class RegisteredOut(RequestOut):
    requester_record_id: str
    sought_record_ids: list[str]
    """In the order the request names the sought persons."""
    matches: str
    """Where the request's potential matches are (`GET /tracing/requests/{case_id}/matches`)."""
    linked: bool
    """Whether the records were linked with their candidates now; false: they wait for the
    next import or `nrm relink` (a desk never starts a relink of the whole population),
    and the potential matches are found by description all the same."""


@router.post(
    "/tracing/requests",
    response_model=RegisteredOut,
    status_code=201,
    responses={
        403: {"model": ErrorBody, "description": "a reviewer, or an account of no organisation"},
        409: {"model": ErrorBody, "description": "an age and a birth year that disagree"},
        429: {"model": ErrorBody, "description": "too many searches or requests; retry later"},
    },
)
def register_request(
    body: RegistrationIn, actor: ActorDep, service: ServiceDep, response: Response
) -> Any:
    """Register a tracing request as the family makes it: the requester and the persons
    they seek (described as for `POST /tracing/search`). The records are filed under the
    caller's organisation in a new case (`<organisation>-DR/<year>/<number>`), registered
    today, linked against the stored population as an import's are (a requester and a
    sought person are never joined without a reviewer), and audited; the request is then
    open in `GET /tracing/requests` and its potential matches, now and as files arrive,
    at `matches`. A description the records file would refuse is refused whole (422) and
    nothing is stored."""
    relation = body.requester.relation.value if body.requester.relation else None
    case = service.register_tracing_request(
        actor,
        body.requester.described(),
        [s.described() for s in body.sought],
        relation=relation,
    )
    matches = f"/tracing/requests/{quote(case['case_id'], safe='/')}/matches"
    matches += f"?source={quote(case['source'], safe='')}"
    response.headers["Location"] = matches
    return {**case, "matches": matches}
