"""Reading person records: one by id, or a filtered page of the reader's own
organisation's records. Every read is audited; listing is rate-limited per user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from models.records import PersonRecord
from models.store.base import MAX_PAGE
from models.users import UserRole
from service.context import EVERYONE, Actor, UseCases
from service.protection import record_view, shared

__all__ = ["MAX_PAGE", "READ_RECORDS", "RecordPage", "Records"]

READ_RECORDS = EVERYONE
"""Every role reads records; how much of each is `service.protection`'s decision."""


@dataclass
class RecordPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def listed_sources(actor: Actor, asked: str | None) -> str | bool | None:
    """The source a listing is confined to: None for everything (the operator, an admin),
    False for nothing (another organisation's records, or a user without one); a list is
    a way to read many people at once, so it shows the reader's own cases only."""
    user = actor.user
    if user is None or user.role is UserRole.ADMIN:
        return asked
    if user.organisation is None or (asked is not None and asked != user.organisation):
        return False
    return user.organisation


class Records(UseCases):
    def get_record(self, actor: Actor, record_id: UUID) -> dict[str, Any] | None:
        """The record as the actor may see it (None when there is none)."""
        actor.require(READ_RECORDS)
        record = self.store.get_record(record_id)
        if record is None:
            return None
        view = record_view(record, actor)
        detail = shared(actor, [view])
        self.audit(actor, "read_record", "record", [record_id], view=view["access"], **detail)
        return view

    def record_versions(self, actor: Actor, record_id: UUID) -> list[dict[str, Any]] | None:
        """The record's earlier versions (what imports replaced), newest first, each as
        the actor may see the record (None when there is no such record); audited."""
        actor.require(READ_RECORDS)
        current = self.store.get_record(record_id)
        if current is None:
            return None
        versions = [
            {"replaced_at": moment.isoformat(), "record": record_view(record, actor)}
            for moment, record in _as_it_was(current, self.store.record_versions(record_id))
        ]
        now = record_view(current, actor)
        versions = _seen_changes(now, versions)
        view = (versions[0]["record"] if versions else now)["access"]
        detail = shared(actor, [versions[0]["record"]] if versions else [])
        self.audit(
            actor,
            "read_record_versions",
            "record",
            [record_id],
            view=view,
            versions=len(versions),
            **detail,
        )
        return versions

    def list_records(
        self,
        actor: Actor,
        filters: dict[str, Any],
        limit: int,
        offset: int,
        name: str | None = None,
    ) -> RecordPage:
        """A page of records of the actor's organisation (an admin's: of all), counted
        against the user's listing limit."""
        actor.require(READ_RECORDS)
        self.check_listing(actor, "list_records", "record")
        source = listed_sources(actor, filters.get("source"))
        if source is False:
            page_items, total = [], 0
        else:
            page = self.store.list_records({**filters, "source": source}, limit, offset, name)
            page_items, total = page.items, page.total
        items = [record_view(r, actor) for r in page_items]
        self.audit(
            actor,
            "list_records",
            "record",
            [r["id"] for r in items],
            filters={k: str(v) for k, v in filters.items() if v is not None} | {"name": name},
        )
        return RecordPage(items, total, max(1, min(limit, MAX_PAGE)), offset)


_STAMPS = ("imported_at", "updated_at")


def _as_it_was(
    current: PersonRecord, versions: list[tuple[datetime, PersonRecord]]
) -> list[tuple[datetime, PersonRecord]]:
    """Each earlier version as the record was: the same person, first imported when the
    record was, last changed when the version before it was replaced (newest first)."""
    out = []
    for k, (replaced, record) in enumerate(versions):
        changed = versions[k + 1][0] if k + 1 < len(versions) else current.imported_at
        out.append(
            (
                replaced,
                record.model_copy(
                    update={
                        "entity_id": current.entity_id,
                        "imported_at": current.imported_at,
                        "updated_at": changed,
                    }
                ),
            )
        )
    return out


def _seen_changes(current: dict[str, Any], versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The versions whose view differs from the state after them: a change the reader may
    not see (a phone, a current location) is not announced by an entry and its time."""
    kept, after = [], current
    for version in versions:
        seen = {k: v for k, v in version["record"].items() if k not in _STAMPS}
        if seen != {k: v for k, v in after.items() if k not in _STAMPS}:
            kept.append(version)
        after = version["record"]
    return kept
