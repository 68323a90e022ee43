"""A few people loaded straight into a store (validated rows through the import writer),
and the rows a suggestion or a decision needs, for the store's own tests."""

from __future__ import annotations

import uuid
from typing import Any

from models.store import ImportCounts, Store
from models.users import User
from models.validation import validate_record

ROWS = (
    {"record_id": "A-1", "source": "OIM", "case_id": "C1", "full_name": "TRAORE Aminata",
     "sex": "F", "birth_date": "1990", "origin_region": "Koulikoro"},
    {"record_id": "A-2", "source": "ONG-A", "case_id": "C2", "full_name": "TRAORÉ Aminata",
     "sex": "F", "birth_date": "vers 1991", "origin_region": "Koulikoro"},
    {"record_id": "K-1", "source": "OIM", "case_id": "C3", "full_name": "COULIBALY Awa",
     "sex": "F", "birth_date": "2012", "origin_region": "Koulikoro"},
    {"record_id": "T-1", "source": "ONG-A", "case_id": "C5", "full_name": "DIALLO Oumar",
     "sex": "M", "birth_date": "1985", "origin_region": "Mopti"},
)  # fmt: skip


def load(
    store: Store,
    rows: tuple[dict[str, str], ...] = ROWS,
    relations: tuple[tuple[str, str, str], ...] = (),
) -> ImportCounts:
    """Import `rows` (and `relations` between their record ids) in one transaction."""
    values = []
    for number, raw in enumerate(rows, start=2):
        value, errors = validate_record(raw, number)
        assert not errors, errors
        values.append(value)
    with store.importing("people.csv") as writer:
        writer.add_records(values)
        if relations:
            writer.add_relations([(n, *r, None, None) for n, r in enumerate(relations, start=2)])
        return writer.finish()


def ids(store: Store) -> dict[str, uuid.UUID]:
    """Stored ids by the record ids the rows gave."""
    return {r.record_id: r.id for r in store.iter_records()}


def pair_row(
    a: uuid.UUID, b: uuid.UUID, probability: float = 0.5, reasons: list | None = None
) -> dict[str, Any]:
    """A scored pair as `LinkTx.save_pairs` takes it (a before b by id text)."""
    first, second = sorted((a, b), key=str)
    return {
        "record_a": first,
        "record_b": second,
        "probability": probability,
        "band": "review",
        "model_version": "test",
        "reasons": reasons or [],
    }


def suggestion_row(
    a: uuid.UUID,
    b: uuid.UUID,
    probability: float = 0.5,
    queue_group: int = 1,
    sampled: bool = False,
) -> dict[str, Any]:
    """A scored pair as `sync_suggestions` takes it (a before b by id text): `pair_row`'s
    fields but the band, with what the queue orders and shows by."""
    row = pair_row(a, b, probability)
    del row["band"]
    return {
        **row,
        "queue_group": queue_group,
        "uncertainty": round(abs(probability - 0.5), 6),
        "sampled": sampled,
        "involves_minor": queue_group == 0,
        "tracing_request": False,
        "case_type_a": None,
        "case_type_b": None,
        "source_a": "OIM",
        "source_b": "ONG-A",
    }


def decision_row(
    user: User,
    a: uuid.UUID,
    b: uuid.UUID,
    decision: str = "match",
    reverts: uuid.UUID | None = None,
    after: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """A decision event as `ReviewTx.add_decision` takes it."""
    return {
        "suggestion_id": None,
        "record_a": a,
        "record_b": b,
        "decision": decision,
        "note": None,
        "reverts": reverts,
        "effect": "none",
        "entities_before": {},
        "entities_after": after or {},
        "model_version": "test",
        "user_id": user.id,
        "user_name": user.name,
        "role": user.role.value,
        "organisation": user.organisation,
    }
