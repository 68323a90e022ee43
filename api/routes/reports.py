"""Counting people, not files: the aggregate figures the MRN publishes, audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ActorDep, ServiceDep

router = APIRouter(tags=["reports"])


class Cell(BaseModel):
    value: str
    persons: int | None
    records: int | None
    uncertain: int | None
    suppressed: bool


class Summary(BaseModel):
    persons: int | None
    records: int | None
    files_per_person: float | None
    uncertain: int | None
    smallest_cell: int
    outcomes: dict[str, int | None]
    by: dict[str, list[Cell]]


@router.get("/reports/summary", response_model=Summary)
def summary(actor: ActorDep, service: ServiceDep) -> Any:
    """Persons (not records) per role, organisation, case type, region of origin, sex,
    age group, year of first registration and naming group, with how many are uncertain
    (a record under review or not linked yet); assisted, returned, traced and possibly
    re-trafficked persons; how many files per person. A cell under `smallest_cell`
    persons is suppressed (null). Suspects are never counted."""
    return service.report(actor)
