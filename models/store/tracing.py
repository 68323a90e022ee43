"""What family tracing reads from the store: every person record's kinship columns (never a
contact or a location) and every declared relation, as plain rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from models.store.base import Store
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


def kinship_rows(store: Store, batch: int = 20_000) -> Iterator[dict[str, Any]]:
    """Every stored record's kinship columns, streamed in id order."""
    columns = [person_records.c[name] for name in KINSHIP_COLUMNS]
    query = select(*columns).order_by(person_records.c.id)
    last = None
    while True:
        page = query if last is None else query.where(person_records.c.id > last)
        with store.engine.connect() as c:
            rows = c.execute(page.limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield dict(row._mapping)
        last = rows[-1]._mapping["id"]


def relation_rows(store: Store) -> list[tuple[Any, str, Any]]:
    """Every declared relation: (record id, relation, related record id), internal ids."""
    query = select(relations.c.record_id, relations.c.relation, relations.c.related_record_id)
    with store.engine.connect() as c:
        return [tuple(r) for r in c.execute(query)]


def records_under_review(store: Store, statuses: tuple[str, ...]) -> set[Any]:
    """The records of every suggestion in one of these statuses (internal ids)."""
    query = select(suggestions.c.record_a, suggestions.c.record_b).where(
        suggestions.c.status.in_(statuses)
    )
    with store.engine.connect() as c:
        return {record for pair in c.execute(query) for record in pair}
