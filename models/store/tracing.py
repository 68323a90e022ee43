"""What family tracing reads from the store: every person record's kinship columns (never a
contact or a location) and every declared relation, as plain rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, or_, select

from models.store.base import Store
from models.store.batches import chunks
from models.tables import person_records, relations, suggestions

KINSHIP_COLUMNS: tuple[str, ...] = (
    "id",
    "record_id",
    "entity_id",
    "source",
    "case_id",
    "case_type",
    "role",
    "full_name",
    "family_name",
    "given_names",
    "aliases",
    "sex",
    "birth_earliest",
    "birth_latest",
    "origin_village",
    "origin_commune",
    "origin_cercle",
    "origin_region",
    "father_name",
    "mother_name",
    "registered_on",
    "return_consent",
)
"""The columns kinship and the safe-return assessment read; never `phone` or
`current_location`."""


@contextmanager
def _reading(source: Store | Connection) -> Iterator[Connection]:
    """A connection to read with: the one given (a caller's transaction, e.g. a graph
    rebuild holding the graph's lock), else a new one."""
    if isinstance(source, Connection):
        yield source
        return
    with source.engine.connect() as c:
        yield c


def kinship_rows(source: Store | Connection, batch: int = 20_000) -> Iterator[dict[str, Any]]:
    """Every stored record's kinship columns, streamed in id order."""
    columns = [person_records.c[name] for name in KINSHIP_COLUMNS]
    query = select(*columns).order_by(person_records.c.id)
    last = None
    while True:
        page = query if last is None else query.where(person_records.c.id > last)
        with _reading(source) as c:
            rows = c.execute(page.limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield dict(row._mapping)
        last = rows[-1]._mapping["id"]


def relation_rows(source: Store | Connection) -> list[tuple[Any, str, Any]]:
    """Every declared relation: (record id, relation, related record id), internal ids."""
    query = select(relations.c.record_id, relations.c.relation, relations.c.related_record_id)
    with _reading(source) as c:
        return [tuple(r) for r in c.execute(query)]


def suspects_awaiting_review(
    store: Store, record_ids: list[Any], statuses: tuple[str, ...]
) -> list[tuple[str, str, str]]:
    """Suggestions in `statuses` that pair one of these records with a record whose role
    is `suspect`: `(the given record's id, the suspect record's organisation and its id
    there)`."""
    a, b = person_records.alias("a"), person_records.alias("b")
    query = (
        select(suggestions.c.record_a, suggestions.c.record_b, a.c.role, b.c.role)
        .add_columns(a.c.source, a.c.record_id, b.c.source, b.c.record_id)
        .join(a, a.c.id == suggestions.c.record_a)
        .join(b, b.c.id == suggestions.c.record_b)
        .where(
            suggestions.c.status.in_(statuses), or_(a.c.role == "suspect", b.c.role == "suspect")
        )
    )
    wanted = set(record_ids)
    found: list[tuple[str, str, str]] = []
    with store.engine.connect() as c:
        for chunk in chunks(sorted(wanted, key=str)):
            rows = c.execute(
                query.where(
                    or_(suggestions.c.record_a.in_(chunk), suggestions.c.record_b.in_(chunk))
                )
            )
            for id_a, id_b, role_a, role_b, source_a, number_a, source_b, number_b in rows:
                if id_a in wanted and role_b == "suspect" and role_a != "suspect":
                    found.append((str(id_a), source_b, number_b))
                if id_b in wanted and role_a == "suspect" and role_b != "suspect":
                    found.append((str(id_b), source_a, number_a))
    return sorted(set(found))


def records_under_review(store: Store, statuses: tuple[str, ...]) -> set[Any]:
    """The records of every suggestion in one of these statuses (internal ids)."""
    query = select(suggestions.c.record_a, suggestions.c.record_b).where(
        suggestions.c.status.in_(statuses)
    )
    with store.engine.connect() as c:
        return {record for pair in c.execute(query) for record in pair}


def flag_page(
    store: Store,
    rules: dict[str, Any],
    apart: Callable[[int, list[date], int], bool],
    *,
    flag: str | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[str, str]], int]:
    """One page of flagged persons, (entity id, flag), the most recent first, and how many
    there are in all, found by two aggregate queries (`tracing.flags.RULES` says what each
    flag needs; `apart`, `tracing.flags.apart`, whether files are further apart than a
    referral, read on each candidate's dates, which come back as dates from either
    database), so that listing them reads the records of one page only."""
    r = person_records.c
    episode = r.source + "|" + func.coalesce(func.nullif(r.case_id, ""), r.record_id)
    repeated = set(rules["episode_roles"])
    kinds = sorted(rules["episode_cases"])
    sought, assisted = set(rules["sought_roles"]), set(rules["assisted_roles"])

    def has(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0)) >= 1

    files = {k: func.count(func.distinct(case((r.case_type == k, episode)))) for k in kinds}

    def per_kind(kind: str) -> list[Any]:
        mine = r.case_type == kind
        return [
            files[kind],
            func.min(case((mine, r.registered_on))),
            func.max(case((mine, r.registered_on))),
            func.sum(case((mine & r.registered_on.is_(None), 1), else_=0)),
        ]

    retrafficked = (
        select(r.entity_id, func.max(r.registered_on), *(c for k in kinds for c in per_kind(k)))
        .where(r.entity_id.is_not(None), r.role.in_(sorted(repeated)))
        .where(r.case_type.in_(kinds))
        .group_by(r.entity_id)
        .having(or_(*(files[kind] >= rules["twice"] for kind in kinds)))
    )
    found = (
        select(r.entity_id, func.max(r.registered_on))
        .where(r.entity_id.is_not(None), r.role.in_(sorted(sought | assisted)))
        .group_by(r.entity_id)
        .having(has(r.role.in_(sorted(sought))) & has(r.role.in_(sorted(assisted))))
    )
    every: list[tuple[Any, str, Any]] = []
    with store.engine.connect() as c:
        if flag in (None, "possible_retrafficking"):
            for entity, latest, *counts in c.execute(retrafficked):
                by_kind = [counts[k : k + 4] for k in range(0, len(counts), 4)]
                if any(
                    apart(int(n), [d for d in (low, high) if d], int(undated or 0))
                    for n, low, high, undated in by_kind
                ):
                    every.append((entity, "possible_retrafficking", latest))
        if flag in (None, "sought_by_family"):
            every += [(e, "sought_by_family", latest) for e, latest in c.execute(found)]
    every.sort(key=lambda row: (row[2] is not None, row[2] or date.min, str(row[0]), row[1]))
    every.reverse()  # the most recent first, undated last
    rows = [(str(e), f) for e, f, _ in every[offset : offset + limit]]
    return rows, len(every)
