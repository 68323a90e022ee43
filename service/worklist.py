"""The review work as people read it: the queue with the names of both records, and the
queue and the decisions as tables to export (CSV, XLSX) with names and reasons.

The JSON queue (`service.queue`) lists ids only, for scripts; the pages and the exports
need to say who is who, so these use cases read the two records of each suggestion and
show them as the reviewer may see them (never a protected field: a name, sex, the birth
as the reader's view of the record shows it, organisation and its record id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from models.records import CaseType, PersonRecord
from models.store.review import DecisionEvent
from service.context import Actor, UseCases
from service.protection import Access, access_to, birth_for, changes_shown, shared_records
from service.queue import (
    READ_QUEUE,
    case_types_read,
    for_reviewer,
    records_of,
    suggestion_summary,
)
from service.review import decision_view
from service.shown_reasons import reasons_shown

OUTDATED_LIMIT = 200
"""The most settled pairs whose records changed one list names (newest decision first)."""
EXPORT_LIMIT = 5_000
"""The most rows one export holds (the queue in priority order, decisions newest first)."""

QUEUE_COLUMNS = (
    "suggestion",
    "status",
    "probability",
    "involves_minor",
    "tracing_request",
    "organisation_a",
    "record_id_a",
    "name_a",
    "sex_a",
    "birth_date_a",
    "organisation_b",
    "record_id_b",
    "name_b",
    "sex_b",
    "birth_date_b",
    "reasons",
)
DECISION_COLUMNS = (
    "decision_event",
    "created_at",
    "decision",
    "effect",
    "reverts",
    "reviewer",
    "role",
    "organisation_a",
    "record_id_a",
    "name_a",
    "organisation_b",
    "record_id_b",
    "name_b",
    "note",
    "reasons",
)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows to export: `columns` are stable keys (a face words them), each row a dict."""

    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


NOBODY: dict[str, Any] = {"id": None, "record_id": None, "source": None, "name": "?"}
"""The line of a record no longer stored."""


def person_brief(record: PersonRecord, actor: Actor) -> dict[str, Any]:
    """Who a record is, in a line: nothing protected; the birth as `actor` may read it
    (`protection.birth_for`: the years alone of another organisation's record), and its
    case type and role only to a reader of its case file (None to a reader of its minimal
    view: "identification" would say a victim's file)."""
    case = access_to(actor, record) is not Access.MINIMAL
    return {
        "id": str(record.id),
        "entity_id": str(record.entity_id) if record.entity_id else None,
        "record_id": record.record_id,
        "source": record.source,
        "name": record.display_name() or "?",
        "sex": record.sex.value if record.sex else None,
        "birth_date": birth_for(actor, record),
        "case_type": record.case_type.value if case and record.case_type else None,
        "role": record.role.value if case and record.role else None,
    }


def _reasons(
    actor: Actor,
    reasons: list[dict[str, Any]],
    records: dict[uuid.UUID, PersonRecord],
    pair: tuple[uuid.UUID, uuid.UUID],
) -> list[str]:
    """A pair's reasons in the actor's language, as they may read them (`reasons_shown`)."""
    shown = reasons_shown(actor, reasons, (records.get(pair[0]), records.get(pair[1])))
    return [r.get(actor.lang) or r["fr"] for r in shown]


def _pair_columns(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for suffix, person in (("a", first), ("b", second)):
        columns |= {
            f"organisation_{suffix}": person["source"],
            f"record_id_{suffix}": person["record_id"],
            f"name_{suffix}": person["name"],
            f"sex_{suffix}": person.get("sex"),
            f"birth_date_{suffix}": person.get("birth_date"),
        }
    return columns


class Worklist(UseCases):
    def _records(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, PersonRecord]:
        return {r.id: r for r in self.store.records_by_ids(ids)}

    def _named(
        self, actor: Actor, pairs: list[tuple[uuid.UUID, uuid.UUID]]
    ) -> tuple[dict[uuid.UUID, PersonRecord], dict[uuid.UUID, dict[str, Any]]]:
        """The records of these pairs, and each as a line (`person_brief`) for `actor`."""
        records = self._records([i for pair in pairs for i in pair])
        return records, {i: person_brief(r, actor) for i, r in records.items()}

    def named_queue(
        self, actor: Actor, filters: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the queue in priority order, each suggestion with both persons named,
        and how many match (counted up to `COUNT_CAP`)."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "list_suggestions", "suggestion")
        page = self.store.suggestion_queue(for_reviewer(actor, filters), limit, offset)
        records, briefs = self._named(actor, [(s["record_a"], s["record_b"]) for s in page.items])
        items = [
            {
                **suggestion_summary(s, actor),
                "people": [
                    briefs.get(s["record_a"], NOBODY),
                    briefs.get(s["record_b"], NOBODY),
                ],
                "reasons": _reasons(actor, s["reasons"], records, (s["record_a"], s["record_b"])),
            }
            for s in page.items
        ]
        self.audit(
            actor,
            "list_suggestions",
            "suggestion",
            [i["id"] for i in items],
            named=True,
            records=records_of(page.items),
            **shared_records(actor, records.values()),
        )
        return items, page.total

    def export_queue(self, actor: Actor, filters: dict[str, Any]) -> Table:
        """The queue (at most `EXPORT_LIMIT` suggestions) as a table, audited as an export."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "export_suggestions", "suggestion")
        page = self.store.suggestion_queue(for_reviewer(actor, filters), EXPORT_LIMIT, count=False)
        records, briefs = self._named(actor, [(s["record_a"], s["record_b"]) for s in page.items])
        rows = []
        for s in page.items:
            first = briefs.get(s["record_a"], NOBODY)
            second = briefs.get(s["record_b"], NOBODY)
            rows.append(
                {
                    "suggestion": str(s["id"]),
                    "status": s["status"],
                    "probability": round(s["probability"], 4),
                    "involves_minor": s["involves_minor"],
                    "tracing_request": CaseType.TRACING_REQUEST.value in case_types_read(s, actor),
                    **_pair_columns(first, second),
                    "reasons": " ; ".join(
                        _reasons(actor, s["reasons"], records, (s["record_a"], s["record_b"]))
                    ),
                }
            )
        self.audit(
            actor,
            "export_suggestions",
            "suggestion",
            [r["suggestion"] for r in rows],
            rows=len(rows),
            records=records_of(page.items),
            **shared_records(actor, records.values()),
        )
        return Table(QUEUE_COLUMNS, rows)

    def export_decisions(self, actor: Actor) -> Table:
        """The latest decisions and reverts (at most `EXPORT_LIMIT`), newest first, with both
        persons named, the reviewer's note and the match reasons; audited as an export."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "export_decisions", "decision")
        events: list[DecisionEvent] = self.store.recent_decisions(EXPORT_LIMIT)
        records, briefs = self._named(actor, [(e.record_a, e.record_b) for e in events])
        reasons: dict[uuid.UUID, str] = {}
        for suggestion_id in {e.suggestion_id for e in events if e.suggestion_id}:
            suggestion = self.store.get_suggestion(suggestion_id)
            if suggestion is not None:
                pair = (suggestion["record_a"], suggestion["record_b"])
                reasons[suggestion_id] = " ; ".join(
                    _reasons(actor, suggestion["reasons"], records, pair)
                )
        rows = [
            {
                "decision_event": str(e.id),
                "created_at": e.created_at.isoformat(timespec="seconds"),
                "decision": e.decision,
                "effect": e.effect,
                "reverts": str(e.reverts) if e.reverts else None,
                "reviewer": e.user_name,
                "role": e.role,
                **{
                    k: v
                    for k, v in _pair_columns(
                        briefs.get(e.record_a, NOBODY),
                        briefs.get(e.record_b, NOBODY),
                    ).items()
                    if k in DECISION_COLUMNS
                },
                "note": e.note,
                "reasons": reasons.get(e.suggestion_id, "") if e.suggestion_id else "",
            }
            for e in events
        ]
        self.audit(
            actor,
            "export_decisions",
            "decision",
            [r["decision_event"] for r in rows],
            rows=len(rows),
            records=records_of(events),
            **shared_records(actor, records.values()),
        )
        return Table(DECISION_COLUMNS, rows)

    def outdated_decisions(self, actor: Actor) -> list[dict[str, Any]]:
        """The pairs reviewers settled (confirmed or rejected) whose records an import
        changed afterwards, newest decision first (at most `OUTDATED_LIMIT`): each with the
        decision, both persons named as the reviewer may see them and, per record, the
        fields that changed since, those this reader may be told of (`changes_shown`: a
        pair whose changes none of them shows is left out). The decisions stand; the list
        says which to read again."""
        actor.require(READ_QUEUE)
        self.check_listing(actor, "list_outdated_decisions", "decision")
        found = self.store.outdated_decisions(OUTDATED_LIMIT)
        ids = [i for o in found for i in (o.event.record_a, o.event.record_b)]
        records = self._records(ids)

        def line(record_id: uuid.UUID, changed: tuple[str, ...]) -> dict[str, Any]:
            record = records.get(record_id)
            if record is None:
                return {**NOBODY, "changed": []}
            return {**person_brief(record, actor), "changed": changes_shown(actor, record, changed)}

        shown = [
            (o.event, [line(r, o.changed.get(r, ())) for r in (o.event.record_a, o.event.record_b)])
            for o in found
        ]
        kept = [(event, people) for event, people in shown if any(p["changed"] for p in people)]
        items = [{"decision": decision_view(event), "people": people} for event, people in kept]
        self.audit(
            actor,
            "list_outdated_decisions",
            "decision",
            [i["decision"]["id"] for i in items],
            records=records_of([event for event, _ in kept]),
            **shared_records(
                actor,
                (
                    records[r]
                    for event, _ in kept
                    for r in (event.record_a, event.record_b)
                    if r in records
                ),
            ),
        )
        return items
