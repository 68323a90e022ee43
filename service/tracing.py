"""Family tracing use cases: the relatives of a person and the safe-return assessment, for
the `nrm` command and the HTTP API.

The family graph is persisted (`service.kingraph`): a query reads the edges around the
person asked about and the records of the persons they name, never the whole store.
Every answer writes an audit row naming who asked and which persons were shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from models.records import CaseType
from models.review import OPEN_STATUSES
from models.store import Store
from models.store.kingraph import kin_graph_read
from models.store.returns import return_decisions_of
from models.store.tracing import flag_page, suspects_awaiting_review
from models.users import UserRole
from service.assessed import Assessed, decisions_view
from service.context import ADMIN, CASEWORKER, TRACING, Actor, UseCases
from service.errors import NotFound, PurposeRequired, UseCaseError
from service.kingraph import as_tracing_record, neighbourhood
from tracing.areas import insecure_areas
from tracing.assessment import assess
from tracing.decisions import split_since, with_recorded_determination
from tracing.factors import Ref
from tracing.flags import EPISODE_CASES, RULES, apart, arrival_flags, flags_of
from tracing.graph import FamilyGraph
from tracing.persons import build_profiles
from tracing.relatives import Relative, relatives

READ_RELATIVES = frozenset({ADMIN, CASEWORKER, TRACING})
"""Tracing officers and caseworkers look for a person's family; reviewers need not."""
ASSESS = frozenset({ADMIN, CASEWORKER})
"""The safe-return assessment is the caseworkers' decision."""
READ_FLAGS = frozenset({ADMIN, CASEWORKER, TRACING})
ASSESSED_RELATIVES = 50


class UnknownPerson(NotFound):
    """No stored record or entity has this id."""


class AmbiguousRecord(UseCaseError):
    """Two sources use this record id for two persons; say which one."""


def _graph(store: Store, person: str, asked: str) -> FamilyGraph:
    graph = neighbourhood(store, person)
    if graph is None:
        raise UnknownPerson("no stored person {id}", id=asked)
    return graph


def arrivals(store: Store, import_id: UUID, lang: str = "fr") -> dict[str, Any]:
    """The flags an import's identification and return records raise on persons already
    identified, returned or sought (`tracing.flags.arrival_flags`): their count, the
    persons they flag (one may be flagged twice) and the flags."""
    with kin_graph_read(store) as tx:
        persons, ids = tx.arriving_again(import_id, EPISODE_CASES)
        rows = tx.kinship_of(persons)
    profiles = build_profiles([as_tracing_record(r) for r in rows])
    found = [f for p in sorted(profiles) for f in arrival_flags(profiles[p], ids)]
    return {
        "count": len(found),
        "persons": len({f.person for f in found}),
        "items": [f.as_dict(lang) for f in found],
    }


def _awaiting(store: Store, graph: FamilyGraph, family: list[Relative]) -> list[tuple[str, Ref]]:
    """`(relative's person, suspect's record)` for each open suggestion pairing one of
    the relatives' records with a suspect's record (a guard holds such pairs for a
    reviewer: until one decides, the relative may be the suspect)."""
    person_of = {
        record.id: relative.person
        for relative in family
        for record in graph.profiles[relative.person].records
    }
    ids = [UUID(i) for i in person_of]  # stored records (`as_tracing_record`)
    found = suspects_awaiting_review(store, ids, OPEN_STATUSES) if ids else []
    return [(person_of[record], Ref(source, suspect)) for record, source, suspect in found]


def person_of_record(store: Store, record_id: str, source: str | None) -> str:
    found = store.find_record(record_id, source)
    if not found:
        elsewhere = sorted({r.source for r in store.find_record(record_id)}) if source else []
        if elsewhere:  # `--source samusocial` where the files say ONG-SAMUSOCIAL
            raise UnknownPerson(
                'no stored record "{record_id}" of {source}; the stored ones are of {sources}',
                record_id=record_id,
                source=source,
                sources=", ".join(elsewhere),
            )
        raise UnknownPerson('no stored record "{record_id}"', record_id=record_id)
    people = {str(r.entity_id) if r.entity_id else f"record:{r.id}" for r in found}
    if len(people) > 1:  # two sources use this id for two different persons
        raise AmbiguousRecord(
            'several sources use "{record_id}": name the source', record_id=record_id
        )
    return people.pop()


def case_holders(records: Iterable[Any]) -> set[str]:
    """The organisations holding one of these records' case files for the person: a
    family's tracing request is a request about them, not their case (it may be taken at
    any tracing officer's desk, by whoever the requester is), so its records make no
    organisation a holder: they neither waive the purpose of an assessment nor let an
    organisation decide on a return."""
    return {r.source for r in records if r.case_type != CaseType.TRACING_REQUEST.value}


def _check_purpose(actor: Actor, sources: set[str]) -> None:
    """A safe-return assessment reads a person's case (origin commune, family, consent):
    a caseworker whose organisation recorded none of the person's records states why
    (`X-Purpose`), as for another organisation's case file (`service.protection`)."""
    user = actor.user
    if user is None or user.role is UserRole.ADMIN or actor.stated_purpose:
        return
    if user.organisation is None or user.organisation not in sources:
        raise PurposeRequired(
            "none of this person's records is your organisation's: state why you assess "
            "them (X-Purpose)"
        )


class Tracing(UseCases):
    """Relatives, safe-return assessment and flags; every answer writes an audit row
    naming who asked and which persons were shown."""

    def relatives_of_record(
        self,
        actor: Actor,
        record_id: str,
        *,
        source: str | None = None,
        top: int = 10,
        lang: str = "fr",
    ) -> list[dict[str, Any]]:
        """The ranked relatives of the person the organisation's `record_id` belongs to."""
        actor.require(READ_RELATIVES)
        self.check_listing(actor, "read_relatives", "entity")  # whole names: no harvesting
        person = person_of_record(self.store, record_id, source)
        return self._relatives(actor, person, top, lang, record_id)

    def relatives_of_entity(
        self, actor: Actor, entity_id: UUID, *, top: int = 10, lang: str = "fr"
    ) -> list[dict[str, Any]]:
        """The ranked relatives of a person (entity)."""
        actor.require(READ_RELATIVES)
        self.check_listing(actor, "read_relatives", "entity")
        if self.store.entity(entity_id) is None:
            raise UnknownPerson("no such entity")
        return self._relatives(actor, str(entity_id), top, lang, str(entity_id))

    def _relatives(
        self, actor: Actor, person: str, top: int, lang: str, asked: str
    ) -> list[dict[str, Any]]:
        found: list[Relative] = relatives(_graph(self.store, person, asked), person, top)
        self.audit(
            actor,
            "read_relatives",
            "entity",
            [person, *(r.person for r in found)],
            asked=asked,
            relatives=[r.record.id for r in found],
        )
        return [r.as_dict(lang) for r in found]

    def assessment_of_record(
        self,
        actor: Actor,
        record_id: str,
        *,
        source: str | None = None,
        lang: str = "fr",
        today: date | None = None,
    ) -> dict[str, Any]:
        """The safe-return assessment of the person `record_id` belongs to (advisory)."""
        actor.require(ASSESS)
        person = person_of_record(self.store, record_id, source)
        return self._assessment(actor, person, record_id, lang, today)

    def assessment_of_entity(
        self, actor: Actor, entity_id: UUID, *, lang: str = "fr", today: date | None = None
    ) -> dict[str, Any]:
        """The safe-return assessment of a person (advisory)."""
        actor.require(ASSESS)
        if self.store.entity(entity_id) is None:
            raise UnknownPerson("no such entity")
        return self._assessment(actor, str(entity_id), str(entity_id), lang, today)

    def _assessed(self, actor: Actor, person: str, asked: str, day: date) -> Assessed:
        graph = _graph(self.store, person, asked)
        profile = graph.profiles[person]
        _check_purpose(actor, case_holders(profile.records))
        family = relatives(graph, person, ASSESSED_RELATIVES)
        overall, factors = assess(
            graph, person, family, day, insecure_areas(), _awaiting(self.store, graph, family)
        )
        records = tuple(r.id for r in profile.records)
        recorded = return_decisions_of(self.store, person)
        whole = recorded and not split_since(recorded[0]["records"], records)
        latest = recorded[0]["best_interests"] if whole else None
        factors = with_recorded_determination(factors, latest, day)
        return Assessed(person, day, overall, factors, records, family, recorded)

    def _assessment(
        self, actor: Actor, person: str, asked: str, lang: str, today: date | None
    ) -> dict[str, Any]:
        found = self._assessed(actor, person, asked, today or date.today())
        self.audit(
            actor,
            "read_assessment",
            "entity",
            [person, *(r.person for r in found.family)],
            asked=asked,
            status=found.status,
            decisions=[str(d["id"]) for d in found.decisions],
        )
        return {**found.as_dict(lang), "decisions": decisions_view(found, lang)}

    def flags(
        self,
        actor: Actor,
        *,
        flag: str | None = None,
        limit: int = 50,
        offset: int = 0,
        lang: str = "fr",
    ) -> dict[str, Any]:
        """Persons flagged as possibly re-trafficked or sought by their family, newest first."""
        actor.require(READ_FLAGS)
        self.check_listing(actor, "read_flags", "entity")
        listed, total = flag_page(self.store, RULES, apart, flag=flag, limit=limit, offset=offset)
        with kin_graph_read(self.store) as tx:
            records = [as_tracing_record(r) for r in tx.kinship_of({e for e, _ in listed})]
        profiles = build_profiles(records).values()
        raised = {(f.person, f.flag): f for p in profiles for f in flags_of(p)}
        page = [raised[key] for key in listed if key in raised]
        self.audit(actor, "read_flags", "entity", [f.person for f in page], flag=flag)
        return {
            "items": [f.as_dict(lang) for f in page],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
