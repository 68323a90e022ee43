"""Tracing requests: their case files (records of case type `tracing_request`) and the
decisions on their potential matches."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, case, func, insert, select

from models.store.base import Store
from models.store.serial import TRACING_LOCK, serialised
from models.store.stamps import in_utc
from models.store.tracing import KINSHIP_COLUMNS
from models.tables import cases, person_records, tracing_matches

TRACING_REQUEST = "tracing_request"


def request_cases(store: Store, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """Tracing-request case files (source, case id, records, sought records, latest
    registration), the most recent first, and how many there are."""
    is_request = person_records.c.case_type == TRACING_REQUEST
    grouped = (
        select(
            person_records.c.source,
            person_records.c.case_id,
            func.count().label("records"),
            func.sum(case((person_records.c.role == "sought", 1), else_=0)).label("sought"),
            func.max(person_records.c.registered_on).label("registered_on"),
        )
        .where(is_request, person_records.c.case_id.is_not(None))
        .group_by(person_records.c.source, person_records.c.case_id)
    )
    counter = select(func.count()).select_from(grouped.subquery())
    page = grouped.order_by(
        func.max(person_records.c.registered_on).desc(),
        person_records.c.source,
        person_records.c.case_id,
    )
    with store.engine.connect() as c:
        total = c.execute(counter).scalar_one()
        rows = [dict(r._mapping) for r in c.execute(page.limit(limit).offset(offset))]
    return rows, total


def case_taken(c: Connection, source: str, case_id: str) -> bool:
    """Whether the organisation already files a case of any type under this id."""
    query = select(cases.c.id).where(cases.c.source == source, cases.c.case_id == case_id)
    return c.execute(query.limit(1)).first() is not None


def case_records(store: Store, case_id: str, source: str | None = None) -> list[dict[str, Any]]:
    """The kinship columns of the records of tracing-request case files with this id."""
    columns = [person_records.c[name] for name in KINSHIP_COLUMNS]
    query = select(*columns, person_records.c.birth_precision).where(
        person_records.c.case_type == TRACING_REQUEST, person_records.c.case_id == case_id
    )
    if source is not None:
        query = query.where(person_records.c.source == source)
    with store.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(query.order_by(person_records.c.id))]


def sought_records_of(
    store: Store, cases: list[tuple[str, str]]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The `sought` records of each of these case files (id and names), by record id."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    r = person_records.c
    query = select(r.source, r.case_id, r.record_id, r.full_name, r.given_names, r.family_name)
    with store.engine.connect() as c:
        for source in {s for s, _ in cases}:
            ids = [k for s, k in cases if s == source]
            rows = c.execute(
                query.where(
                    r.case_type == TRACING_REQUEST,
                    r.role == "sought",
                    r.source == source,
                    r.case_id.in_(ids),
                ).order_by(r.record_id)
            )
            for row in rows:
                found.setdefault((row.source, row.case_id), []).append(dict(row._mapping))
    return found


def add_match_decision(
    store: Store,
    source: str,
    case_id: str,
    person: str,
    decision: str,
    note: str | None,
    user_id: uuid.UUID | None,
    user_name: str | None,
    sought_record_id: str | None = None,
    check: Callable[[dict[tuple[str, str | None], dict[str, Any]]], None] | None = None,
) -> dict[str, Any]:
    """Record a decision on a potential match. `check` reads the case's decisions as they
    stand inside the serialised transaction that writes it (and may refuse it): of two
    officers confirming at once, the second sees the first's confirmation."""
    row = {
        "id": uuid.uuid4(),
        "source": source,
        "case_id": case_id,
        "person": person,
        "decision": decision,
        "sought_record_id": sought_record_id,
        "note": note,
        "user_id": user_id,
        "user_name": user_name,
        "created_at": datetime.now(UTC),
    }
    with serialised(store.engine, TRACING_LOCK) as c:
        if check is not None:
            found: dict[tuple[str, str], dict[tuple[str, str | None], dict[str, Any]]] = {}
            _read_decisions(c, source, [case_id], found)
            check(found.get((source, case_id), {}))
        c.execute(insert(tracing_matches).values(**row))
    return row


def match_decisions(
    store: Store, cases: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[tuple[str, str | None], dict[str, Any]]]:
    """The latest decision of each case on each (person, sought record); a sought record
    of None: a decision on the request as a whole."""
    found: dict[tuple[str, str], dict[tuple[str, str | None], dict[str, Any]]] = {}
    if not cases:
        return found
    with store.engine.connect() as c:
        for source in {s for s, _ in cases}:
            _read_decisions(c, source, [k for s, k in cases if s == source], found)
    return found


def _read_decisions(
    c: Connection,
    source: str,
    case_ids: list[str],
    found: dict[tuple[str, str], dict[tuple[str, str | None], dict[str, Any]]],
) -> None:
    """The decisions of these cases of one organisation into `found`, the latest last."""
    rows = c.execute(
        select(tracing_matches)
        .where(tracing_matches.c.source == source, tracing_matches.c.case_id.in_(case_ids))
        .order_by(tracing_matches.c.created_at)
    )
    for r in rows:
        m = in_utc(dict(r._mapping), ("created_at",))
        found.setdefault((m["source"], m["case_id"]), {})[(m["person"], m["sought_record_id"])] = m
