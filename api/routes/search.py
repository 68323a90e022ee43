"""Search for a described person: minimal results, every search audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from api.deps import ActorDep, ServiceDep
from api.patterns import NAME, PLAIN
from api.schemas import ErrorBody, Forbid, SearchHit
from models.records import Sex

router = APIRouter(tags=["search"])
MAX_RESULTS = 20
TOO_MANY_SEARCHES: dict[int | str, dict[str, Any]] = {
    429: {"model": ErrorBody, "description": "too many searches; retry later"}
}
Plain = Annotated[
    str | None, Query(min_length=2, max_length=100, pattern=PLAIN, description="No wildcards.")
]


@router.get(
    "/search",
    response_model=list[SearchHit],
    responses=TOO_MANY_SEARCHES,
)
def search_persons(
    actor: ActorDep,
    service: ServiceDep,
    name: Annotated[
        str,
        Query(
            min_length=2,
            max_length=100,
            pattern=NAME,
            description="A name as written (two letters at least; no wildcards).",
        ),
    ],
    sex: Sex | None = None,
    birth_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    village: Plain = None,
    father: Plain = None,
    mother: Plain = None,
    top: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 10,
) -> Any:
    """Persons matching a description, best first: id, partial name, sex, age band, region
    and score only (never a contact or a current location). A name is required: a search
    by place alone would list who is from a village, a way to locate victims in bulk."""
    return service.search(actor, _described(name, sex, birth_year, village, father, mother), top)


def _described(
    name: str,
    sex: Sex | None,
    birth_year: int | None,
    village: str | None,
    father: str | None,
    mother: str | None,
) -> dict[str, Any]:
    """A search's description as the record fields it is compared on."""
    return {
        "full_name": name,
        "sex": sex.value if sex else None,
        "birth_year": birth_year,
        "origin_village": village,
        "father_name": father,
        "mother_name": mother,
    }


PlainText = Annotated[str | None, Field(min_length=2, max_length=100, pattern=PLAIN)]


class SearchRequest(Forbid):
    """`GET /search`'s description as a body: a sought child's name never in a URL, which
    browsers, proxies and servers keep in their histories and logs."""

    name: Annotated[str, Field(min_length=2, max_length=100, pattern=NAME)]
    sex: Sex | None = None
    birth_year: Annotated[int | None, Field(ge=1900, le=2100)] = None
    village: PlainText = None
    father: PlainText = None
    mother: PlainText = None
    top: Annotated[int, Field(ge=1, le=MAX_RESULTS)] = 10


@router.post(
    "/search",
    response_model=list[SearchHit],
    responses=TOO_MANY_SEARCHES,
)
def search_persons_posted(actor: ActorDep, service: ServiceDep, body: SearchRequest) -> Any:
    """As `GET /search`, the description in the body (the same answers, rate limit and
    audit)."""
    described = _described(
        body.name, body.sex, body.birth_year, body.village, body.father, body.mother
    )
    return service.search(actor, described, body.top)
