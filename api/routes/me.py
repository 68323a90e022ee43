"""Who am I: the start of a session, audited as a login."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from api.schemas import Me

router = APIRouter(tags=["users"])


@router.get("/me", response_model=Me)
def me(actor: ActorDep, service: ServiceDep) -> Any:
    return service.login(actor)
