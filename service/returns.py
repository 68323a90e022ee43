"""Recording a caseworker's decision on a safe return (`tracing.decisions`): made on the
assessment the caseworker read (its version), which it keeps; refused where the rules
say a return cannot be recommended; audited. A decision is never changed: a later one
supersedes it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from i18n import N_, Message
from models.store.returns import DecidedMeanwhile, add_return_decision, returns_due
from models.users import UserRole
from service.assessed import Assessed, decision_view
from service.context import Actor, visible
from service.errors import (
    Conflict,
    Forbidden,
    PreconditionFailed,
    PreconditionRequired,
    UseCaseError,
)
from service.tracing import ASSESS, Tracing, UnknownPerson, case_holders, person_of_record
from tracing.decisions import (
    DECISIONS,
    RECOMMENDED,
    BestInterests,
    bid_in_time,
    blocking,
    review_date,
)
from tracing.reasons import Reason

__all__ = ["InvalidDecision", "ReturnDecisions", "ReturnRefused", "ReturnRequest"]

SHORTEST_OVERRIDE = 10
"""An override's reason says why, in at least this many characters ("ok" is no reason)."""


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    """What the caseworker decides: one of `tracing.decisions.DECISIONS`, why, when to
    review it, the Best Interests Determination of a child, and an administrator's reason
    to recommend a return despite a factor that stands in the way."""

    decision: str
    note: str | None = None
    review_by: date | None = None
    best_interests: BestInterests | None = None
    override: str | None = None


class InvalidDecision(UseCaseError):
    """The request itself is wrong (422), whatever the assessment says."""

    status = 422


REFUSED = N_("a return cannot be recommended: {why}")
OVERRIDE_NEEDED = N_(
    "a return cannot be recommended unless an administrator overrides it with a reason: {why}"
)


class ReturnRefused(Conflict):
    """A return cannot be recommended on this assessment: the factors in the way, each
    worded in the language of the face."""

    def __init__(self, reasons: list[Reason], overridable: bool) -> None:
        super().__init__(
            OVERRIDE_NEEDED if overridable else REFUSED, why="; ".join(r.en for r in reasons)
        )
        self.reasons = reasons
        self.overridable = overridable

    def text(self, lang: str) -> str:
        why = (" ; " if lang == "fr" else "; ").join(r.text(lang) for r in self.reasons)
        return Message(self.message.msgid, why=why).text(lang)


def _changed() -> PreconditionFailed:
    return PreconditionFailed(
        "the assessment or its decisions changed since you read them: read them again before "
        "deciding"
    )


def _check_version(found: Assessed, version: str | None, route: str) -> None:
    """The caseworker decides on what they read: the version of the assessment (with
    its latest decision) they were shown. Strong comparison (RFC 9110): a weak tag never
    matches."""
    if not version or version.strip() == "*":
        raise PreconditionRequired(
            "send the version of the assessment you read (read it with {route})", route=route
        )
    offered = {tag.strip().strip('"') for tag in version.split(",")}
    if found.version not in offered:
        raise _changed()


def _administers(actor: Actor) -> bool:
    """An administrator, or whoever runs `nrm` (they hold the database itself)."""
    return actor.user is None or actor.user.role is UserRole.ADMIN


def _check_decider(actor: Actor, sources: frozenset[str]) -> None:
    """A return is decided by the organisations holding the person's case files: a
    caseworker of another organisation may read the assessment with a purpose, not decide."""
    user = actor.user
    if _administers(actor) or user is None:
        return
    if user.organisation is None or user.organisation not in sources:
        raise Forbidden(
            "only a caseworker of an organisation holding one of this person's case files "
            "decides on their return"
        )


def _check(request: ReturnRequest, found: Assessed, actor: Actor) -> None:
    """Refuse what the rules forbid (`tracing.decisions`), before anything is written."""
    if request.decision not in DECISIONS:
        raise InvalidDecision("decision is one of {decisions}", decisions=", ".join(DECISIONS))
    bid = request.best_interests
    if bid is not None and (not visible(bid.body) or not bid_in_time(bid, found.day)):
        raise InvalidDecision(
            "give the date of the Best Interests Determination (within the past year, not "
            "after today) and the body that made it"
        )
    override = visible(request.override or "")
    if request.override is not None and len(override) < SHORTEST_OVERRIDE:
        raise InvalidDecision(
            "say why you override in at least {count} characters", count=SHORTEST_OVERRIDE
        )
    in_the_way = blocking(found.factors, bid) if request.decision == RECOMMENDED else []
    firm = [b.reason for b in in_the_way if not b.overridable]
    if firm:
        raise ReturnRefused(firm, overridable=False)
    soft = [b.reason for b in in_the_way]
    if override and not soft:
        raise InvalidDecision("nothing stands in the way of this decision: nothing to override")
    if soft and not override:
        raise ReturnRefused(soft, overridable=True)
    if soft and not _administers(actor):
        raise Forbidden("only an administrator may override what stands in the way of a return")


class ReturnDecisions(Tracing):
    """Caseworkers record a decision on a safe return; reads show it with the assessment."""

    def decide_return_of_entity(
        self,
        actor: Actor,
        entity_id: UUID,
        request: ReturnRequest,
        version: str | None,
        *,
        lang: str = "fr",
        today: date | None = None,
    ) -> dict[str, Any]:
        """Record a decision on the person's return, made on the assessment whose version
        (ETag) the caseworker read (`If-Match`): 428 without it, 412 when the assessment
        or its decisions changed."""
        actor.require(ASSESS)
        person = str(entity_id)
        sources = self._sources(person)
        if not sources:
            raise UnknownPerson("no such entity")
        _check_decider(actor, sources)
        found = self._assessed(actor, person, person, today or date.today())
        _check_version(found, version, "GET /entities/{id}/assessment")
        return self._record(actor, found, request, lang)

    def decide_return_of_record(
        self,
        actor: Actor,
        record_id: str,
        request: ReturnRequest,
        version: str | None,
        *,
        source: str | None = None,
        lang: str = "fr",
        today: date | None = None,
    ) -> dict[str, Any]:
        """Record a decision on the return of the person `record_id` belongs to, made on
        the assessment of the version `nrm assess` printed."""
        actor.require(ASSESS)
        person = person_of_record(self.store, record_id, source)
        _check_decider(actor, self._sources(person))
        found = self._assessed(actor, person, record_id, today or date.today())
        _check_version(found, version, "nrm assess RECORD_ID")
        return self._record(actor, found, request, lang)

    def _sources(self, person: str) -> frozenset[str]:
        """The organisations holding the person's records (an entity id, or
        ``record:<id>``; none: no such person): who may decide on their return, checked
        before anything of the person is read. A tracing request holds no case file
        (`service.tracing.case_holders`)."""
        if person.startswith("record:"):
            record = self.store.get_record(UUID(person.removeprefix("record:")))
            return frozenset(case_holders([record] if record else []))
        found = self.store.entity(UUID(person))
        return frozenset(case_holders(found[1])) if found else frozenset()

    def _record(
        self, actor: Actor, found: Assessed, request: ReturnRequest, lang: str
    ) -> dict[str, Any]:
        try:
            due = review_date(found.day, request.review_by)
        except ValueError:
            raise InvalidDecision(
                "give a review date after today and at most a year away"
            ) from None
        _check(request, found, actor)
        user = actor.user
        override = (request.override or "").strip() or None
        try:
            row = add_return_decision(
                self.store,
                {
                    "person": found.person,
                    "decision": request.decision,
                    "note": (request.note or "").strip() or None,
                    "review_by": due,
                    "best_interests": request.best_interests.as_dict()
                    if request.best_interests
                    else None,
                    "override": override,
                    "assessment": found.snapshot(),
                    "user_id": user.id if user else None,
                    "user_name": user.name if user else actor.os_user,
                    "organisation": user.organisation if user else None,
                },
                found.records,
                found.decisions[0]["id"] if found.decisions else None,
            )
        except DecidedMeanwhile:
            raise _changed() from None
        self.audit(
            actor,
            "record_return_decision",
            "entity",
            [found.person, *(r.person for r in found.family)],
            decision=request.decision,
            decision_id=str(row["id"]),
            status=found.status,
            override=override,
        )
        now = replace(found, decisions=[row, *found.decisions])
        return {**now.as_dict(lang), "decision": decision_view(row, now, lang, superseded=False)}

    def returns_due(
        self,
        actor: Actor,
        *,
        limit: int = 50,
        offset: int = 0,
        today: date | None = None,
    ) -> dict[str, Any]:
        """Persons whose decision in force on a return is due for review (its review date
        today or passed), the most overdue first: a caseworker sees the decisions of their
        organisation, an admin every one. Each names the person, not their records: the
        assessment says the rest."""
        actor.require(ASSESS)
        self.check_listing(actor, "read_returns_due", "entity")
        day = today or date.today()
        user = actor.user
        everyone = _administers(actor) or user is None
        rows, total = (
            returns_due(self.store, day, None if everyone else user.organisation, limit, offset)
            if everyone or user.organisation
            else ([], 0)
        )
        self.audit(actor, "read_returns_due", "entity", [r["entity_id"] for r in rows])
        return {
            "items": [
                {
                    "entity_id": str(r["entity_id"]),
                    "decision": r["decision"],
                    "decided_at": r["created_at"].isoformat(),
                    "review_by": r["review_by"].isoformat(),
                    "days_overdue": (day - r["review_by"]).days,
                    "organisation": r["organisation"],
                }
                for r in rows
            ],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
