"""Persons (entities): records, consolidated view, history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from api.deps import ActorDep, ServiceDep
from api.schemas import EntityView

router = APIRouter(tags=["entities"])


@router.get("/entities/{entity_id}", response_model=EntityView)
def get_entity(entity_id: UUID, actor: ActorDep, service: ServiceDep) -> Any:
    return service.entity(actor, entity_id)
