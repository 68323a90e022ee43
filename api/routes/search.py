"""Search for a described person: minimal results, every search audited."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import Authorized, ContextDep, ServiceDep
from api.linking import search
from api.schemas import ErrorBody, SearchHit
from models.records import Sex

router = APIRouter(tags=["search"])
MAX_RESULTS = 20
MINIMAL = ("entity_id", "name", "sex", "age_band", "region", "score")


@router.get(
    "/search",
    response_model=list[SearchHit],
    responses={429: {"model": ErrorBody, "description": "too many searches; retry later"}},
)
def search_persons(
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    name: Annotated[
        str,
        Query(
            min_length=2,
            max_length=100,
            pattern=r"[^\W\d_]{2}",
            description="A name as written (two letters at least; no wildcards).",
        ),
    ],
    sex: Sex | None = None,
    birth_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    village: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    father: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    mother: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    top: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 10,
) -> Any:
    """Persons matching a description, best first: id, partial name, sex, age band, region
    and score only (never a contact or a current location). A name is required: a search
    by place alone would list who is from a village, a way to locate victims in bulk."""
    wait = service.search_limit.retry_after(user.id)
    if wait > 0:
        service.audit(user, "search_refused", "entity", [], context, reason="rate limit")
        raise HTTPException(
            429,
            f"too many searches: at most {service.search_limit.per_window} a minute",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    description = {
        "full_name": name,
        "sex": sex.value if sex else None,
        "birth_year": birth_year,
        "origin_village": village,
        "father_name": father,
        "mother_name": mother,
    }
    hits = [{k: hit[k] for k in MINIMAL} for hit in search(service.store, description, top)]
    service.audit(
        user,
        "search",
        "entity",
        [h["entity_id"] for h in hits],
        context,
        query={k: v for k, v in description.items() if v is not None},
    )
    return hits
