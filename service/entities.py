"""The person (entity) view: its records, a consolidated view that names its sources and
shows conflicts, and the history of decisions on it."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from models.records import PROTECTED_FIELDS, SHOWN_FIELDS, PersonRecord
from models.store import Store
from models.users import User
from service.context import EVERYONE, Actor, UseCases
from service.errors import NotFound
from service.protection import may_see_protected, record_view
from service.review import decision_view

READ_ENTITIES = EVERYONE


def consolidate(records: list[PersonRecord], user: User) -> dict[str, dict[str, Any]]:
    """Per field, the value most records give (the most recent registration breaks a tie),
    the records it comes from, and the other values with theirs."""
    view: dict[str, dict[str, Any]] = {}
    newest_first = sorted(records, key=lambda r: (r.registered_on is None, r.registered_on))
    for name in SHOWN_FIELDS:
        sources: dict[str, list[str]] = {}
        for record in reversed(newest_first):
            if name in PROTECTED_FIELDS and not may_see_protected(user, record):
                continue
            value = getattr(record, name)
            if value in (None, ""):
                continue
            sources.setdefault(str(value).strip(), []).append(str(record.id))
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


def entity_view(store: Store, user: User, entity_id: uuid.UUID) -> dict[str, Any]:
    found = store.entity(entity_id)
    if found is None:
        raise NotFound("no such entity")
    created, records = found
    history = store.decisions_touching([r.id for r in records])
    reverted = {d.reverts for d in history if d.reverts}
    return {
        "id": str(entity_id),
        "created_at": created.isoformat(),
        "records": [record_view(r, user) for r in records],
        "consolidated": consolidate(records, user),
        "history": [decision_view(d, d.id in reverted) for d in history],
    }


class Entities(UseCases):
    def entity(self, actor: Actor, entity_id: uuid.UUID) -> dict[str, Any]:
        """The person view, audited with the ids of every record it shows."""
        actor.require(READ_ENTITIES)
        assert actor.user is not None
        view = entity_view(self.store, actor.user, entity_id)
        self.audit(actor, "read_entity", "entity", [entity_id, *(r["id"] for r in view["records"])])
        return view
