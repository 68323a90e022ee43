"""Who am I: the start of a session, audited as a login."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import Authorized, ContextDep, ServiceDep
from api.schemas import Me

router = APIRouter(tags=["users"])


@router.get("/me", response_model=Me)
def me(user: Authorized, service: ServiceDep, context: ContextDep) -> Any:
    service.audit(user, "login", "user", [user.id], context)
    return {"name": user.name, "role": user.role.value, "organisation": user.organisation}
