"""Persons (entities): records, consolidated view, history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from api.deps import Authorized, ContextDep, ServiceDep
from api.entities import entity_view
from api.schemas import EntityView

router = APIRouter(tags=["entities"])


@router.get("/entities/{entity_id}", response_model=EntityView)
def get_entity(entity_id: UUID, user: Authorized, service: ServiceDep, context: ContextDep) -> Any:
    view = entity_view(service.store, user, entity_id)
    service.audit(
        user, "read_entity", "entity", [entity_id, *(r["id"] for r in view["records"])], context
    )
    return view
