"""Reading person records: one by id, or a filtered page. Every read is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from models.records import PersonRecord
from models.store.base import MAX_PAGE
from service.context import EVERYONE, Actor, UseCases
from service.protection import record_view

__all__ = ["MAX_PAGE", "READ_RECORDS", "RecordPage", "Records"]

READ_RECORDS = EVERYONE
"""Every role reads records; protected fields are cut by `service.protection`."""


@dataclass
class RecordPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _view(record: PersonRecord, actor: Actor) -> dict[str, Any]:
    """The record as a user may see it; whole for the operator at the command line."""
    return record_view(record, actor.user) if actor.user else record.model_dump(mode="json")


class Records(UseCases):
    def get_record(self, actor: Actor, record_id: UUID) -> dict[str, Any] | None:
        """The record as the actor may see it (None when there is none)."""
        actor.require(READ_RECORDS)
        record = self.store.get_record(record_id)
        if record is None:
            return None
        self.audit(actor, "read_record", "record", [record_id])
        return _view(record, actor)

    def list_records(
        self,
        actor: Actor,
        filters: dict[str, Any],
        limit: int,
        offset: int,
        name: str | None = None,
    ) -> RecordPage:
        actor.require(READ_RECORDS)
        page = self.store.list_records(filters, limit, offset, name)
        items = [_view(r, actor) for r in page.items]
        self.audit(
            actor,
            "list_records",
            "record",
            [r["id"] for r in items],
            filters={k: str(v) for k, v in filters.items() if v is not None} | {"name": name},
        )
        return RecordPage(items, page.total, page.limit, page.offset)
