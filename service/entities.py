"""The person (entity) view: its records, a consolidated view that names its sources and
shows conflicts, and the history of decisions on it."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from models.records import SHOWN_FIELDS, Role
from models.store import Store
from service.context import EVERYONE, Actor, UseCases
from service.errors import NotFound
from service.protection import Access, birth_shown, record_view, shared
from service.review import REVERT, decision_view

READ_ENTITIES = EVERYONE


_NAMED_BY = {"day": 10, "month": 7, "year": 4}
"""How much of an ISO date a birth of each precision names ("2013-08-15", "2013-08",
"2013"); a placeholder day ("01/01/2013" for a year) names its year."""


def _value_of(record: dict[str, Any], name: str) -> str | None:
    """A field's value as consolidation compares it. A birth date is the day, month or
    year its reading names, in ISO form, however it was written ("2013-08-15" and
    "15/08/2013" are one date; "01/01/2013" a placeholder for 2013); an age or a
    "vers 2009" stays as written; a minimal view's, which has no date, is its years
    (`birth_shown`), no finer."""
    value = birth_shown(record) if name == "birth_date" else record.get(name)
    if value in (None, ""):
        return None
    if name == "birth_date" and record.get("birth_earliest"):
        named = _NAMED_BY.get(str(record.get("birth_precision")))
        if named:
            return str(record["birth_earliest"])[:named]
    return str(value).strip()


def consolidate(shown: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per field, the value most records give (the most recent registration breaks a tie),
    the records it comes from, and the other values with theirs. `shown` are the records
    as the reader may see them: a field a view leaves out is not consolidated either."""
    view: dict[str, dict[str, Any]] = {}
    newest_first = sorted(
        shown, key=lambda r: (r.get("registered_on") is None, r.get("registered_on") or "")
    )
    for name in SHOWN_FIELDS:
        sources: dict[str, list[str]] = {}
        for record in reversed(newest_first):
            value = _value_of(record, name)
            if value is not None:
                sources.setdefault(value, []).append(str(record["id"]))
        if not sources:
            continue
        counts = Counter({v: len(ids) for v, ids in sources.items()})
        chosen = counts.most_common(1)[0][0]
        view[name] = {
            "value": chosen,
            "records": sources[chosen],
            "conflicts": [
                {"value": v, "records": ids} for v, ids in sources.items() if v != chosen
            ],
        }
    return view


def entity_view(store: Store, actor: Actor, entity_id: uuid.UUID) -> dict[str, Any]:
    """The person as `actor` may see them. The reviewers' notes (free text) are shown to
    those who decide and revert (they read them in the queue) and to a reader who sees a
    record of the person in full; not to one who sees every record minimally. A decision
    of the history may name a record that is another person's now (a split): it is named
    by its organisation and its id there, with the person it belongs to
    (`elsewhere`)."""
    found = store.entity(entity_id)
    if found is None:
        raise NotFound("no such entity")
    created, records = found
    history = store.decisions_touching([r.id for r in records])
    reverted = {d.reverts for d in history if d.reverts}
    shown = [record_view(r, actor) for r in records]
    history_view = [decision_view(d, d.id in reverted) for d in history]
    minimal = all(v["access"] == Access.MINIMAL.value for v in shown)
    if minimal and (actor.user is None or actor.user.role not in REVERT):
        history_view = [{**d, "note": None} for d in history_view]
    here = {r.id for r in records}
    named = {i for d in history for i in (d.record_a, d.record_b)} - here
    return {
        "id": str(entity_id),
        "created_at": created.isoformat(),
        "records": shown,
        "consolidated": consolidate(shown),
        "history": history_view,
        "elsewhere": {
            str(r.id): {
                "source": r.source,
                "record_id": r.record_id,
                "entity_id": str(r.entity_id) if r.entity_id else None,
            }
            for r in store.records_by_ids(sorted(named, key=str))
        },
        "named_suspect": any(r.role == Role.SUSPECT for r in records),
    }


class Entities(UseCases):
    def entity(self, actor: Actor, entity_id: uuid.UUID) -> dict[str, Any]:
        """The person view, audited with the ids of every record it shows."""
        actor.require(READ_ENTITIES)
        view = entity_view(self.store, actor, entity_id)
        self.audit(
            actor,
            "read_entity",
            "entity",
            [entity_id, *(r["id"] for r in view["records"])],
            **shared(actor, view["records"]),
            **({"named": sorted(view["elsewhere"])} if view["elsewhere"] else {}),
        )
        return view
