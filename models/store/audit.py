"""The audit trail: append-only (a database trigger refuses UPDATE and DELETE)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Text, cast, func, insert, select

from models.store.stamps import in_utc
from models.tables import audit
from models.users import User

AUDIT_FILTERS = ("user_id", "action", "object_type", "role", "organisation")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to which objects, why, and under which request."""

    action: str
    object_type: str | None = None
    object_ids: tuple[str, ...] = ()
    purpose: str | None = None
    request_id: str | None = None
    detail: dict[str, Any] | None = None


def audit_row(user: User | None, entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "at": datetime.now(UTC),
        "user_id": user.id if user else None,
        "user_name": user.name if user else None,
        "role": user.role.value if user else None,
        "organisation": user.organisation if user else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ids": [str(i) for i in entry.object_ids],
        "purpose": entry.purpose,
        "request_id": entry.request_id,
        "detail": entry.detail or {},
    }


def write_audit(connection: Connection, user: User | None, entry: AuditEntry) -> None:
    connection.execute(insert(audit).values(**audit_row(user, entry)))


class AuditStore:
    """The audit half of the store (mixed into `Store`); there is no update or delete."""

    engine: Engine

    def audit(self, user: User | None, entry: AuditEntry) -> None:
        with self.engine.begin() as c:
            write_audit(c, user, entry)

    def audit_rows(
        self,
        filters: dict[str, Any],
        since: datetime | None = None,
        until: datetime | None = None,
        object_id: uuid.UUID | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        conditions = [audit.c[k] == v for k, v in filters.items() if k in AUDIT_FILTERS and v]
        if since is not None:
            conditions.append(audit.c.at >= since)
        if until is not None:
            conditions.append(audit.c.at < until)
        if object_id is not None:
            named = f'%"{object_id}"%'  # among the ids acted on, or those a list named
            conditions.append(
                cast(audit.c.object_ids, Text).like(named) | cast(audit.c.detail, Text).like(named)
            )
        query = select(audit).where(*conditions).order_by(audit.c.at.desc(), audit.c.id)
        counter = select(func.count()).select_from(audit).where(*conditions)
        with self.engine.connect() as c:
            rows = [
                in_utc(dict(r._mapping), ("at",))
                for r in c.execute(query.limit(limit).offset(offset))
            ]
            return rows, c.execute(counter).scalar_one()
