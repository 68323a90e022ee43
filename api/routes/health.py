"""Health: is the database reachable, and at which schema version."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(service: ServiceDep) -> Health:
    return Health(**service.health())
