"""Reading the audit trail, for admins. Nothing edits or deletes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from service.context import ADMIN, Actor, UseCases

READ_AUDIT = frozenset({ADMIN})


@dataclass
class AuditPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class AuditTrail(UseCases):
    def audit_trail(
        self,
        actor: Actor,
        filters: dict[str, Any],
        since: datetime | None,
        until: datetime | None,
        object_id: UUID | None,
        limit: int,
        offset: int,
    ) -> AuditPage:
        """Who did what, when, to which record; newest first. Reading it is audited too."""
        actor.require(READ_AUDIT)
        self.check_listing(actor, "read_audit", "audit")
        rows, total = self.store.audit_rows(filters, since, until, object_id, limit, offset)
        self.audit(actor, "read_audit", "audit", [])
        return AuditPage(rows, total, limit, offset)
