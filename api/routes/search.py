"""Search for a described person: minimal results, every search audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.patterns import NAME, PLAIN
from api.schemas import ErrorBody, SearchHit
from models.records import Sex

router = APIRouter(tags=["search"])
MAX_RESULTS = 20
Plain = Annotated[
    str | None, Query(min_length=2, max_length=100, pattern=PLAIN, description="No wildcards.")
]


@router.get(
    "/search",
    response_model=list[SearchHit],
    responses={429: {"model": ErrorBody, "description": "too many searches; retry later"}},
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
    description = {
        "full_name": name,
        "sex": sex.value if sex else None,
        "birth_year": birth_year,
        "origin_village": village,
        "father_name": father,
        "mother_name": mother,
    }
    return service.search(actor, description, top)
