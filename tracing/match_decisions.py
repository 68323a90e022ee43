"""Which persons a tracing request's decisions confirm, and whether it is matched.

A tracing officer confirms or dismisses a person for one sought record of a request, or
for the request as a whole; the latest decision in force on a person counts. Pure
functions over the decisions as `models.store.tracingrequests.match_decisions` reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Decided = dict[tuple[str, str | None], dict[str, Any]]
"""A case's latest decision on each (person, sought record), `match_decisions`."""


def decided_order(decision: dict[str, Any]) -> tuple[Any, str]:
    return decision["created_at"], str(decision["id"])


def in_force(decided: Decided, person: str, sought: str | None) -> dict[str, Any] | None:
    """The decision in force on `person` for the sought record: the latest of those made
    for it and those made on the request as a whole."""
    made = [m for key in {(person, sought), (person, None)} if (m := decided.get(key))]
    return max(made, key=decided_order) if made else None


def confirmations(decided: Decided, sought_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each person confirmed, by the latest confirmation in force for one of the sought
    records the request holds (a person is one of the children sought, not two). Its
    `sought_record_id` None: confirmed for the request as a whole."""
    found: dict[str, dict[str, Any]] = {}
    for person in {p for p, _ in decided}:
        confirmed = [
            d
            for child in sought_ids
            if (d := in_force(decided, person, child)) and d["decision"] == "confirmed"
        ]
        if confirmed:
            found[person] = max(confirmed, key=decided_order)
    return found


def found_slots(confirmed: dict[str, dict[str, Any]]) -> set[str]:
    """The sought records the confirmed persons fill: a person confirmed for one record
    fills it, one confirmed for the request as a whole fills one record of their own."""
    return {d["sought_record_id"] or f"person:{p}" for p, d in confirmed.items()}


def request_status(confirmed: dict[str, dict[str, Any]], sought_ids: Sequence[str]) -> str:
    """`matched` once as many sought records are found as the request seeks
    (`found_slots`)."""
    return "matched" if sought_ids and len(found_slots(confirmed)) >= len(sought_ids) else "open"


def listed_under(
    confirmed: dict[str, dict[str, Any]],
    decided: Decided,
    fits: dict[str, dict[str, dict[str, Any]]],
) -> dict[str, str]:
    """The sought record each confirmed person is listed under: the one the confirmation
    names, else (confirmed for the request as a whole) the one they fit best among those
    for which that confirmation is in force and no other confirmed person holds (the
    officer's naming of a child outranks a guess by the names), earliest confirmed first;
    the best of them all when every one is held."""
    under = {p: d["sought_record_id"] for p, d in confirmed.items() if d["sought_record_id"]}
    whole = sorted(
        (p for p, d in confirmed.items() if d["sought_record_id"] is None),
        key=lambda p: decided_order(confirmed[p]),
    )
    for person in whole:
        decision = confirmed[person]
        scored = [
            (child not in under.values(), hits[person]["score"], child)
            for child, hits in fits.items()
            if person in hits and in_force(decided, person, child) is decision
        ]
        if scored:
            under[person] = max(scored)[2]
    return under
