"""Tracing search and tracing requests.

A tracing officer describes a sought person as the family tells it (any spelling, an
approximate age or birth year, sex, village or commune, the parents' names) and gets
ranked persons with the matching engine's reasons (`service.search.search`: the same
comparisons and explanations as linkage). Each tracing-request case file lists its
potential matches, the persons whose records fit its `sought` record, until a tracing
officer confirms one (as Primero's family tracing does); a confirmation or a dismissal
is recorded and audited, the latest decision on a person in force.

Do no harm: an answer carries a partial name, sex, age band, region of origin, score
and reasons, never a current location or a phone (the enquirer may be the trafficker);
confirming a match copies nothing from the found person to the request.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from i18n import Message
from models.store.tracingrequests import (
    add_match_decision,
    case_records,
    match_decisions,
    request_cases,
    sought_records_of,
)
from service.context import ADMIN, CASEWORKER, TRACING, Actor
from service.errors import Conflict, NotFound, UseCaseError
from service.search import Searching, refuse_patterns, search, shown, unfound_hint
from service.sought import description_of
from tracing.match_decisions import (
    Decided,
    confirmations,
    decided_order,
    found_slots,
    in_force,
    listed_under,
    request_status,
)
from tracing.persons import written_name

TRACE = frozenset({ADMIN, CASEWORKER, TRACING})
"""Tracing officers look for the persons families ask about; caseworkers too."""
DECIDE_MATCH = frozenset({ADMIN, CASEWORKER, TRACING})
MATCH_DECISIONS = ("confirmed", "dismissed")
MATCH_FIELDS = (
    "full_name",
    "family_name",
    "given_names",
    "aliases",
    "sex",
    "birth_earliest",
    "birth_latest",
    "birth_precision",
    "origin_village",
    "origin_commune",
    "origin_cercle",
    "origin_region",
    "father_name",
    "mother_name",
)


class AmbiguousCase(Conflict):
    """Two organisations use this case id; say which one."""


class TracingSearch(Searching):
    def trace(
        self,
        actor: Actor,
        sought: dict[str, Any],
        *,
        top: int = 10,
        limited: bool = True,
        today: date | None = None,
    ) -> list[dict[str, Any]]:
        """Persons who may be the sought person, best first, with reasons. A `limited`
        search (HTTP) counts against the user's search rate limit."""
        actor.require(TRACE)
        refuse_patterns(sought)
        description = description_of(sought, today)
        if limited:
            self.check_search_rate(actor)
        hits = [shown(h) for h in search(self.store, description, top, actor.lang, today=today)]
        self.audit(
            actor,
            "trace",
            "entity",
            [h["entity_id"] for h in hits],
            query={k: str(v) for k, v in sought.items() if v is not None},
        )
        return hits

    def why_untraced(
        self, actor: Actor, sought: dict[str, Any], today: date | None = None
    ) -> Message | None:
        """What to add to a description of a sought person that found no one."""
        actor.require(TRACE)
        return unfound_hint(self.store, description_of(sought, today))

    def tracing_requests(self, actor: Actor, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
        """Tracing-request case files, newest first, each with its status (`open`, or
        `matched` once a potential match is confirmed for every sought person), the
        person it matched last and every person confirmed, in the order confirmed, with
        the sought record each was confirmed for (None: for the request as a whole)."""
        actor.require(TRACE)
        self.check_listing(actor, "read_tracing_requests", "case")
        cases, total = request_cases(self.store, limit, offset)
        keys = [(c["source"], c["case_id"]) for c in cases]
        decided = match_decisions(self.store, keys)
        sought = sought_records_of(self.store, keys)
        sought_ids = {key: [r["record_id"] for r in records] for key, records in sought.items()}
        items = []
        for case in cases:
            key = (case["source"], case["case_id"])
            found = confirmations(decided.get(key, {}), sought_ids.get(key, []))
            confirmed = sorted(found, key=lambda person: decided_order(found[person]))
            items.append(
                {
                    "source": case["source"],
                    "case_id": case["case_id"],
                    "records": case["records"],
                    "registered_on": _iso(case["registered_on"]),
                    "status": request_status(found, sought_ids.get(key, [])),
                    "matched_entity_id": confirmed[-1] if confirmed else None,
                    "matched_entity_ids": confirmed,
                    "matched": [
                        {"entity_id": p, "sought_record_id": found[p]["sought_record_id"]}
                        for p in confirmed
                    ],
                    "sought": [_name(r) for r in sought.get(key, [])],
                }
            )
        self.audit(
            actor,
            "read_tracing_requests",
            "case",
            [f"{c['source']}/{c['case_id']}" for c in items],
        )
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    def tracing_matches(
        self, actor: Actor, case_id: str, *, source: str | None = None, top: int = 10
    ) -> dict[str, Any]:
        """The potential matches of a tracing request: for each `sought` record of the
        case (a family may seek several children), the persons whose records fit it best
        (never the case's own records), with the decision in force on each, dismissed
        ones last; once a match of a sought record is confirmed, that one only for it.
        A person is listed once: under the sought record a decision on them names, else
        the one they fit best."""
        actor.require(TRACE)
        self.check_search_rate(actor)  # a search per sought person
        source, records = _case(self.store, case_id, source)
        decided = match_decisions(self.store, [(source, case_id)]).get((source, case_id), {})
        sought_records = _sought(records)
        fits = _fits(self.store, records, top + len(decided), actor.lang)
        sought_ids = [r["record_id"] for r in sought_records]
        confirmed = confirmations(decided, sought_ids)
        child_of = listed_under(confirmed, decided, fits)
        matches: list[dict[str, Any]] = []
        wanted_persons: list[dict[str, Any]] = []
        for sought in sought_records:
            child = sought["record_id"]
            mine = []
            for person, hit in fits[child].items():
                if person in child_of and child_of[person] != child:
                    continue  # confirmed as another of the sought children
                decision = in_force(decided, person, child)
                mine.append({**hit, "sought_record_id": child, **_decided(decision)})
            mine.sort(key=lambda m: -m["score"])
            found = [m for m in mine if child_of.get(m["entity_id"]) == child]
            wanted_persons.append({"record_id": child, "name": _name(sought), "found": bool(found)})
            if found:
                matches += found
                continue
            matches += [m for m in mine if m["decision"] != "dismissed"][:top]
            matches += [m for m in mine if m["decision"] == "dismissed"]
        self.audit(
            actor,
            "read_tracing_matches",
            "entity",
            [m["entity_id"] for m in matches],
            case=f"{source}/{case_id}",
            sought=sought_ids,
        )
        return {
            "source": source,
            "case_id": case_id,
            "status": request_status(confirmed, sought_ids),
            "sought_record_ids": [r["record_id"] for r in sought_records],
            "sought": wanted_persons,
            "matches": matches,
        }

    def decide_tracing_match(
        self,
        actor: Actor,
        case_id: str,
        entity_id: str,
        decision: str,
        *,
        source: str | None = None,
        note: str | None = None,
        sought_record_id: str | None = None,
    ) -> dict[str, Any]:
        """Confirm or dismiss a potential match (no second reviewer: the tracing officer
        verifies with the family), for one sought record of the case when the family
        seeks several (`sought_record_id`; else the request as a whole). Nothing of the
        found person is copied to the case."""
        actor.require(DECIDE_MATCH)
        if decision not in MATCH_DECISIONS:
            raise UseCaseError(
                "decision is one of {decisions}", decisions=", ".join(MATCH_DECISIONS)
            )
        source, records = _case(self.store, case_id, source)
        sought = {r["record_id"] for r in records if r["role"] == "sought"}
        if sought_record_id is not None and sought_record_id not in sought:
            raise NotFound(
                'no sought record "{record_id}" in this request', record_id=sought_record_id
            )
        decided = match_decisions(self.store, [(source, case_id)]).get((source, case_id), {})
        undoing = decision == "dismissed" and any(
            person == entity_id and child in (None, sought_record_id) for person, child in decided
        )  # a decision on this person for this child, or for the request as a whole
        if not undoing:
            if _no_person(self.store, entity_id):
                raise NotFound('no person "{entity_id}"', entity_id=entity_id)
            self._require_proposed(records, len(decided), entity_id, sought_record_id, actor.lang)

        def unfound(now: Decided) -> None:
            _require_unfound(now, sorted(sought), entity_id, sought_record_id)

        row = add_match_decision(
            self.store,
            source,
            case_id,
            entity_id,
            decision,
            note,
            actor.user.id if actor.user else None,
            actor.user.name if actor.user else actor.os_user,
            sought_record_id,
            check=unfound if decision == "confirmed" else None,
        )
        self.audit(
            actor,
            "tracing_match_decision",
            "entity",
            [entity_id],
            case=f"{source}/{case_id}",
            decision=decision,
            note=note,
            sought=sought_record_id,
        )
        return {
            "source": source,
            "case_id": case_id,
            "entity_id": entity_id,
            "sought_record_id": sought_record_id,
            "decision": decision,
            "decided_at": row["created_at"].isoformat(),
        }

    def _require_proposed(
        self,
        records: list[dict[str, Any]],
        decided: int,
        entity_id: str,
        sought_record_id: str | None,
        lang: str,
    ) -> None:
        """A person is confirmed as the one a family seeks, or dismissed, only when the
        request's potential matches hold them (for that sought record, when named): a
        confirmed match closes the request for every tracing officer, and a person typed in
        by id, a suspect of another case say, must not close it on nothing; a dismissal of
        someone never proposed is a mistyped id, recorded against the wrong person. A
        person the request already decided on (for that child, or for the request as a
        whole) may be dismissed wherever they rank now, and even once their person id is
        gone: a wrong confirmation is undone after a correction moved or merged them.
        `decided`: how many decisions the request holds (its decided persons rank among the
        matches too)."""
        fits = _fits(self.store, records, PROPOSED + decided, lang)
        among = [fits[sought_record_id]] if sought_record_id is not None else fits.values()
        if not any(entity_id in found for found in among):
            raise Conflict(
                'person "{entity_id}" is not among the potential matches of this request',
                entity_id=entity_id,
            )


class AlreadyFound(Conflict):
    """The sought person is already confirmed as someone else."""


def _require_unfound(
    decided: Decided, sought_ids: Sequence[str], entity_id: str, sought_record_id: str | None
) -> None:
    """A confirmation never makes two persons the one sought: another person confirmed
    for this sought record, or as many others confirmed as the request seeks persons,
    must be dismissed first (two officers, two tabs, or a page left open before the first
    confirmation would otherwise send a family two children for one)."""
    others = {p: d for p, d in confirmations(decided, sought_ids).items() if p != entity_id}
    slots = found_slots(others)
    if (sought_record_id is not None and sought_record_id in slots) or len(slots) >= max(
        len(sought_ids), 1
    ):
        raise AlreadyFound(
            "another person is already confirmed as the one sought: dismiss that "
            "confirmation first if it was wrong"
        )


PROPOSED = 50
"""How far down the potential matches of a sought record a confirmed person may be found
(the pages show ten; an officer may page on, not type in anyone)."""


def _sought(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((r for r in records if r["role"] == "sought"), key=lambda r: r["record_id"])


def _fits(
    store: Any, records: list[dict[str, Any]], wanted: int, lang: str
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per sought record of the case, the persons whose records fit it best (as shown),
    `wanted` of them at most, never the case's own."""
    own = _only_in_case(store, records)
    theirs = frozenset(r["id"] for r in records)
    fits: dict[str, dict[str, dict[str, Any]]] = {}
    for sought in _sought(records):
        description = {k: sought[k] for k in MATCH_FIELDS if sought.get(k) is not None}
        fits[sought["record_id"]] = {
            hit["entity_id"]: shown(hit)
            for hit in search(store, description, wanted + len(own), lang, theirs)
            if hit["entity_id"] not in own
        }
    return fits


def _no_person(store: Any, entity_id: str) -> bool:
    """Whether no stored record belongs to this person (an entity id, as decisions name
    the persons they confirm or dismiss)."""
    try:
        return store.entity(UUID(entity_id)) is None
    except ValueError:
        return True


def _case(store: Any, case_id: str, source: str | None) -> tuple[str, list[dict[str, Any]]]:
    records = case_records(store, case_id, source)
    if not records:
        raise NotFound('no tracing request "{case_id}"', case_id=case_id)
    sources = {r["source"] for r in records}
    if len(sources) > 1:
        raise AmbiguousCase(
            'several organisations use case "{case_id}": name the source', case_id=case_id
        )
    return sources.pop(), records


def _only_in_case(store: Any, records: list[dict[str, Any]]) -> set[str]:
    """The persons a case's potential matches never include: its requester (and anyone
    else it names but the sought person), and the sought record itself when known from
    this case alone. A sought record that linkage already put with a victim's record is
    that person: a match to show."""
    own: set[str] = set()
    for r in records:
        person = str(r["entity_id"] or r["id"])
        if r["role"] != "sought" or r["entity_id"] is None:
            own.add(person)
            continue
        found = store.entity(r["entity_id"])
        here = (r["source"], r["case_id"])
        if not [x for x in (found[1] if found else []) if (x.source, x.case_id) != here]:
            own.add(person)
    return own


def _decided(decision: dict[str, Any] | None) -> dict[str, Any]:
    """The decision in force on a match, attributable: who took it, when, and their note
    (the officers of the request's roles read it; it names no one's location)."""
    if decision is None:
        return {"decision": None, "decided_by": None, "decided_at": None, "note": None}
    return {
        "decision": decision["decision"],
        "decided_by": decision["user_name"],
        "decided_at": _iso(decision["created_at"]),
        "note": decision["note"],
    }


def _name(record: dict[str, Any]) -> str:
    """How the family named the sought person (their own request: shown whole)."""
    given, family = record.get("given_names"), record.get("family_name")
    return written_name(record.get("full_name"), given, family) or record["record_id"]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
