"""Family tracing use cases: the relatives of a person and the safe-return assessment, for
the `nrm` command and the HTTP API.

The family graph is built per query from the store (records' kinship columns and
declared relations), inferring only around the person asked about: a few thousand
records answer in well under a second. Persisting the graph is future work (see
docs/design.md). Every answer writes an audit row naming who asked and which persons
were shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from models.store import Store
from models.store.audit import AuditEntry
from models.store.tracing import kinship_rows, relation_rows
from models.users import User
from tracing.assessment import assess, insecure_areas
from tracing.flags import flagged
from tracing.graph import FamilyGraph, build_graph
from tracing.persons import DeclaredRelation, TracingRecord, build_profiles
from tracing.relatives import Relative, relatives

__all__ = [
    "Actor",
    "AmbiguousRecord",
    "UnknownPerson",
    "assessment_of_entity",
    "assessment_of_record",
    "list_flags",
    "relatives_of_entity",
    "relatives_of_record",
]


ASSESSED_RELATIVES = 50


class UnknownPerson(LookupError):
    """No stored record or entity has this id."""


class AmbiguousRecord(LookupError):
    """Two sources use this record id; say which one."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks: an API user, or (on the command line) the operating-system user."""

    user: User | None = None
    name: str | None = None
    purpose: str | None = None
    request_id: str | None = None
    via: str = "api"


def load(store: Store) -> tuple[list[TracingRecord], list[DeclaredRelation]]:
    records = [
        TracingRecord(
            **{
                **row,
                "id": str(row["id"]),
                "entity_id": str(row["entity_id"]) if row["entity_id"] else None,
            }
        )
        for row in kinship_rows(store)
    ]
    declared = [DeclaredRelation(str(a), kind, str(b)) for a, kind, b in relation_rows(store)]
    return records, declared


def _graph(store: Store, person: str, asked: str) -> FamilyGraph:
    records, declared = load(store)
    graph = build_graph(records, declared, focus=[person])
    if person not in graph.profiles:
        raise UnknownPerson(asked)
    return graph


def _audit(store: Store, actor: Actor, action: str, ids: list[str], **detail: Any) -> None:
    store.audit(
        actor.user,
        AuditEntry(
            action,
            "entity",
            tuple(ids),
            purpose=actor.purpose,
            request_id=actor.request_id,
            detail={"via": actor.via, **({"os_user": actor.name} if actor.name else {}), **detail},
        ),
    )


def _answer(
    store: Store, person: str, top: int, lang: str, actor: Actor, asked: str
) -> list[dict[str, Any]]:
    found: list[Relative] = relatives(_graph(store, person, asked), person, top)
    _audit(
        store,
        actor,
        "read_relatives",
        [person, *(r.person for r in found)],
        asked=asked,
        relatives=[r.record.id for r in found],
    )
    return [r.as_dict(lang) for r in found]


def _person_of_record(store: Store, record_id: str, source: str | None) -> str:
    found = store.find_record(record_id, source)
    if not found:
        raise UnknownPerson(record_id)
    people = {str(r.entity_id) if r.entity_id else f"record:{r.id}" for r in found}
    if len(people) > 1:  # two sources use this id for two different persons
        raise AmbiguousRecord(record_id)
    return people.pop()


def relatives_of_record(
    store: Store,
    record_id: str,
    actor: Actor,
    *,
    source: str | None = None,
    top: int = 10,
    lang: str = "fr",
) -> list[dict[str, Any]]:
    """The ranked relatives of the person that the organisation's ``record_id`` belongs to."""
    person = _person_of_record(store, record_id, source)
    return _answer(store, person, top, lang, actor, record_id)


def relatives_of_entity(
    store: Store, entity_id: UUID, actor: Actor, *, top: int = 10, lang: str = "fr"
) -> list[dict[str, Any]]:
    """The ranked relatives of a person (entity)."""
    if store.entity(entity_id) is None:
        raise UnknownPerson(str(entity_id))
    return _answer(store, str(entity_id), top, lang, actor, str(entity_id))


def _assessment(
    store: Store, person: str, actor: Actor, asked: str, lang: str, today: date | None
) -> dict[str, Any]:
    graph = _graph(store, person, asked)
    family = relatives(graph, person, ASSESSED_RELATIVES)
    day = today or date.today()
    overall, factors = assess(graph, person, family, day, insecure_areas())
    _audit(
        store,
        actor,
        "read_assessment",
        [person, *(r.person for r in family)],
        asked=asked,
        status=overall,
    )
    return {
        "entity_id": None if person.startswith("record:") else person,
        "assessed_on": day.isoformat(),
        "advisory": True,
        "status": overall,
        "factors": [f.as_dict(lang) for f in factors],
    }


def assessment_of_record(
    store: Store,
    record_id: str,
    actor: Actor,
    *,
    source: str | None = None,
    lang: str = "fr",
    today: date | None = None,
) -> dict[str, Any]:
    """The safe-return assessment of the person ``record_id`` belongs to (advisory)."""
    person = _person_of_record(store, record_id, source)
    return _assessment(store, person, actor, record_id, lang, today)


def assessment_of_entity(
    store: Store, entity_id: UUID, actor: Actor, *, lang: str = "fr", today: date | None = None
) -> dict[str, Any]:
    """The safe-return assessment of a person (advisory)."""
    if store.entity(entity_id) is None:
        raise UnknownPerson(str(entity_id))
    return _assessment(store, str(entity_id), actor, str(entity_id), lang, today)


def list_flags(
    store: Store,
    actor: Actor,
    *,
    flag: str | None = None,
    limit: int = 50,
    offset: int = 0,
    lang: str = "fr",
) -> dict[str, Any]:
    """Persons flagged as possibly re-trafficked or sought by their family, newest first."""
    records, _ = load(store)
    found = [f for f in flagged(build_profiles(records)) if flag is None or f.flag == flag]
    page = found[offset : offset + limit]
    _audit(store, actor, "read_flags", [f.person for f in page], flag=flag)
    return {
        "items": [f.as_dict(lang) for f in page],
        "total": len(found),
        "limit": limit,
        "offset": offset,
    }
