"""Search for a described person: minimal results, every search audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from api.deps import Authorized, ContextDep, ServiceDep
from api.linking import search
from api.schemas import SearchHit
from models.records import Sex

router = APIRouter(tags=["search"])
MAX_RESULTS = 20
MINIMAL = ("entity_id", "name", "sex", "age_band", "region", "score")


@router.get("/search", response_model=list[SearchHit])
def search_persons(
    user: Authorized,
    service: ServiceDep,
    context: ContextDep,
    name: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    sex: Sex | None = None,
    birth_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    village: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    father: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    mother: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    top: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 10,
) -> Any:
    """Persons matching a description, best first: id, partial name, sex, age band, region
    and score only (never a contact or a current location)."""
    if not any(v and v.strip("*% ") for v in (name, village, father, mother)):
        raise HTTPException(422, "give at least a name, a village, a father or a mother")
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
