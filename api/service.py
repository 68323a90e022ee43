"""The service layer: every use case, called by both the HTTP routes and the `nrm` command."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from api.importer import ImportReport, import_records
from api.protection import record_view
from api.ratelimit import RateLimiter
from models.store import Store
from models.store.audit import AuditEntry
from models.users import User


@dataclass
class RecordPage:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class Service:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.search_limit = RateLimiter()

    def audit(
        self,
        user: User,
        action: str,
        object_type: str | None,
        ids: Iterable[Any],
        context: Any = None,
        **detail: Any,
    ) -> None:
        """One audit row: who (user, role, organisation), what, on which ids, why, when."""
        self.store.audit(
            user,
            AuditEntry(
                action,
                object_type,
                tuple(str(i) for i in ids),
                purpose=getattr(context, "purpose", None),
                request_id=getattr(context, "request_id", None),
                detail=detail,
            ),
        )

    def health(self) -> dict[str, Any]:
        return {"status": "ok", **self.store.health()}

    def get_record(self, user: User, record_id: UUID) -> dict[str, Any] | None:
        record = self.store.get_record(record_id)
        return record_view(record, user) if record else None

    def list_records(
        self,
        user: User,
        filters: dict[str, Any],
        limit: int,
        offset: int,
        name: str | None = None,
    ) -> RecordPage:
        page = self.store.list_records(filters, limit, offset, name)
        return RecordPage(
            [record_view(r, user) for r in page.items], page.total, page.limit, page.offset
        )

    def import_file(
        self,
        records: Path,
        relations: Path | None = None,
        *,
        source: str | None = None,
        dry_run: bool = False,
        link: bool = True,
        on_rows: Any = None,
    ) -> ImportReport:
        kwargs: dict[str, Any] = {"dry_run": dry_run, "on_rows": on_rows}
        if source:
            kwargs["source"] = source
        report = import_records(self.store, records, relations, **kwargs)
        if report.ok and not dry_run and link and report.counts is not None:
            from api.linking import link_import

            report.linked = link_import(self.store, report.counts.import_id)
        return report
