"""The audit trail, for admins. Read only: no route edits or deletes it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.deps import ActorDep, ServiceDep
from api.schemas import LIST_RESPONSES, AuditPage
from models.users import UserRole
from service.records import MAX_PAGE

router = APIRouter(tags=["audit"])


def _row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "id": str(row["id"]),
        "at": row["at"].isoformat(),
        "user_id": str(row["user_id"]) if row["user_id"] else None,
    }


@router.get("/audit", response_model=AuditPage, responses=LIST_RESPONSES)
def list_audit(
    actor: ActorDep,
    service: ServiceDep,
    user_id: UUID | None = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    object_type: Annotated[str | None, Query(max_length=30)] = None,
    object_id: UUID | None = None,
    role: UserRole | None = None,
    organisation: Annotated[str | None, Query(max_length=120)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    """Who did what, when, to which record; newest first."""
    filters = {
        "user_id": user_id,
        "action": action,
        "object_type": object_type,
        "role": role.value if role else None,
        "organisation": organisation,
    }
    page = service.audit_trail(actor, filters, since, until, object_id, limit, offset)
    return {
        "items": [_row(r) for r in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
