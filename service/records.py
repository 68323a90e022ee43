"""Reading person records: one by id, or a filtered page of the reader's own
organisation's records. Every read is audited; listing is rate-limited per user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from i18n import N_
from models.fieldwords import fold
from models.records import PROTECTED_FIELDS, PersonRecord
from models.store.base import MAX_PAGE
from models.users import UserRole
from service.columns import extra_columns
from service.context import ADMIN, CASEWORKER, EVERYONE, Actor, UseCases
from service.errors import Conflict, Forbidden, NotFound, Unprocessable
from service.protection import Access, access_to, record_view, shared
from service.reverting import require_reason

__all__ = [
    "ERASE_REASON_MIN_LENGTH",
    "ERASE_VERSIONS",
    "MAX_PAGE",
    "PRUNE_VERSIONS",
    "READ_RECORDS",
    "RecordPage",
    "Records",
]

READ_RECORDS = EVERYONE
"""Every role reads records; how much of each is `service.protection`'s decision."""
ERASE_VERSIONS = frozenset({ADMIN, CASEWORKER})
"""Who may erase a record's earlier values: an admin, or a caseworker of the organisation
that recorded it (who reads it whole, and corrects what it gave in error)."""
PRUNE_VERSIONS = frozenset({ADMIN})
ERASE_REASON_MIN_LENGTH = 10
"""An erasure says why in words ("numéro donné par erreur"): the values are gone, the
reason is what the audit trail keeps of them."""
SHORT_ERASE_REASON = N_(
    "say why these values are erased, in {count} characters at least (kept in the audit "
    "trail): for instance « adresse du foyer donnée par erreur »"
)
QUOTED_IN_REASON = N_(
    "the reason quotes a value it erases ({field}), which the audit trail would keep for "
    "good: say why without it, for instance « adresse du foyer donnée par erreur »"
)
QUOTED_LENGTH = 3
"""A protected value, or a part of one between commas, of at least this many letters (a
phone: twice as many digits) found as whole words in an erasure's reason is quoted there
("Gao" is a current location)."""


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text).replace("_", " ")).split())


def quoted_value(reason: str, earlier: list[PersonRecord]) -> str | None:
    """The protected field (a phone, a current location, an extra column declared
    protected) of `earlier` versions whose value `reason` quotes, whole or a part of it
    between commas, as words compared without accents or case, a phone by its last eight
    digits; None when it quotes none: the audit trail keeps a reason for good, the value
    must not live on in it."""
    words, digits = f" {_folded(reason)} ", re.sub(r"\D", "", reason)
    columns = extra_columns()
    for record in earlier:
        values = [(name, getattr(record, name)) for name in sorted(PROTECTED_FIELDS)]
        values += [(k, v) for k, v in record.extra.items() if columns.is_protected(k)]
        for name, value in values:
            if not isinstance(value, str) or not value.strip():
                continue
            number = re.sub(r"\D", "", value)
            if len(number) >= 2 * QUOTED_LENGTH and number[-8:] in digits:
                return name
            parts = {value, *re.split(r"[,;/()]", value)}
            for part in map(_folded, parts):
                if len(part) >= QUOTED_LENGTH and not part.isdigit() and f" {part} " in words:
                    return name
    return None


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

    def erase_record_versions(self, actor: Actor, record_id: UUID, reason: str) -> int | None:
        """Erase the record's earlier versions (a phone or a shelter's address given in
        error stays in them after a re-import blanks it), with the reason, in the audit
        trail in the same transaction; the record as it is now is untouched. How many were
        erased; None when there is no such record."""
        actor.require(ERASE_VERSIONS)
        require_reason(reason, ERASE_REASON_MIN_LENGTH, SHORT_ERASE_REASON)
        record = self.store.get_record(record_id)
        if record is None:
            return None
        if access_to(actor, record) is not Access.FULL:
            raise Forbidden(
                "only an admin, or a caseworker of the organisation that recorded it, may "
                "erase a record's earlier values"
            )
        quoted = quoted_value(reason, [r for _, r in self.store.record_versions(record_id)])
        if quoted is not None:
            raise Unprocessable(QUOTED_IN_REASON, field=quoted)
        entry = actor.entry("erase_record_versions", "record", [record_id], reason=reason)
        return self.store.erase_record_versions(record_id, actor.user, entry)

    def erase_versions_by_record_id(
        self, actor: Actor, record_id: str, source: str | None, reason: str
    ) -> int:
        """`erase_record_versions` of the record an organisation calls `record_id` (its
        `source` needed when two organisations use the id)."""
        found = self.store.find_record(record_id, source)
        if not found:
            raise NotFound('no stored record "{record_id}"', record_id=record_id)
        if len(found) > 1:
            raise Conflict(
                'several sources use "{record_id}": name the source', record_id=record_id
            )
        erased = self.erase_record_versions(actor, found[0].id, reason)
        assert erased is not None  # found above, and records are never deleted
        return erased

    def prune_record_versions(self, actor: Actor, older_than_days: int) -> int:
        """Delete every record version replaced more than `older_than_days` days ago (a
        retention limit), audited in the same transaction. How many were deleted."""
        actor.require(PRUNE_VERSIONS)
        if older_than_days < 0:
            raise Unprocessable("the number of days cannot be negative")
        before = datetime.now(UTC) - timedelta(days=older_than_days)
        entry = actor.entry(
            "prune_record_versions",
            "record",
            [],
            older_than_days=older_than_days,
            before=before.isoformat(),
        )
        return self.store.prune_record_versions(before, actor.user, entry)

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
