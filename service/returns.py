"""Recording a caseworker's decision on a safe return (`tracing.decisions`): made on the
assessment of the day, which it keeps; refused where the rules say a return cannot be
recommended; audited. A decision is never changed: a later one supersedes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from i18n import N_, Message
from models.store.returns import add_return_decision
from models.users import UserRole
from service.assessed import Assessed, decision_view
from service.context import Actor
from service.errors import (
    Conflict,
    Forbidden,
    PreconditionFailed,
    PreconditionRequired,
    UseCaseError,
)
from service.tracing import ASSESS, Tracing, UnknownPerson, person_of_record
from tracing.decisions import DECISIONS, RECOMMENDED, BestInterests, blocking, review_date
from tracing.reasons import Reason

__all__ = ["ReturnDecisions", "ReturnRefused", "ReturnRequest"]


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    """What the caseworker decides: one of `tracing.decisions.DECISIONS`, why, when to
    review it, the Best Interests Determination of a child, and a supervisor's reason to
    recommend a return despite a factor that stands in the way."""

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
        why = "; ".join(r.text(lang) for r in self.reasons)
        return Message(self.message.msgid, why=why).text(lang)


def _supervises(actor: Actor) -> bool:
    """An administrator, or whoever runs `nrm` (they hold the database itself)."""
    return actor.user is None or actor.user.role is UserRole.ADMIN


def _check_version(found: Assessed, if_match: str | None) -> None:
    if not if_match or if_match.strip() == "*":
        raise PreconditionRequired(
            "send the assessment's ETag in If-Match (read it with {route})",
            route="GET /entities/{id}/assessment",
        )
    offered = {tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")}
    if found.version not in offered:
        raise PreconditionFailed(
            "the assessment changed since you read it (now {status}): read it again before "
            "deciding",
            status=found.status,
        )


def _check(request: ReturnRequest, found: Assessed, actor: Actor) -> None:
    """Refuse what the rules forbid (`tracing.decisions`), before anything is written."""
    if request.decision not in DECISIONS:
        raise InvalidDecision("decision is one of {decisions}", decisions=", ".join(DECISIONS))
    bid = request.best_interests
    if bid is not None and (bid.decided_on > found.day or not bid.body.strip()):
        raise InvalidDecision(
            "a Best Interests Determination has a date not after today and the body that made it"
        )
    in_the_way = blocking(found.factors, bid) if request.decision == RECOMMENDED else []
    firm = [b.reason for b in in_the_way if not b.overridable]
    if firm:
        raise ReturnRefused(firm, overridable=False)
    soft = [b.reason for b in in_the_way]
    if request.override is not None and not soft:
        raise InvalidDecision("nothing stands in the way of this decision: nothing to override")
    if soft and not request.override:
        raise ReturnRefused(soft, overridable=True)
    if soft and not _supervises(actor):
        raise Forbidden("only an administrator may override what stands in the way of a return")


class ReturnDecisions(Tracing):
    """Caseworkers record a decision on a safe return; reads show it with the assessment."""

    def decide_return_of_entity(
        self,
        actor: Actor,
        entity_id: UUID,
        request: ReturnRequest,
        if_match: str | None,
        *,
        lang: str = "fr",
        today: date | None = None,
    ) -> dict[str, Any]:
        """Record a decision on the person's return, made on the assessment whose ETag the
        caseworker read (`If-Match`): 428 without it, 412 when the assessment changed."""
        actor.require(ASSESS)
        if self.store.entity(entity_id) is None:
            raise UnknownPerson("no such entity")
        person = str(entity_id)
        found = self._assessed(actor, person, person, today or date.today())
        _check_version(found, if_match)
        return self._record(actor, found, request, lang)

    def decide_return_of_record(
        self,
        actor: Actor,
        record_id: str,
        request: ReturnRequest,
        *,
        source: str | None = None,
        lang: str = "fr",
        today: date | None = None,
    ) -> dict[str, Any]:
        """Record a decision on the return of the person `record_id` belongs to, made on
        today's assessment (the command line prints it with the decision)."""
        actor.require(ASSESS)
        person = person_of_record(self.store, record_id, source)
        found = self._assessed(actor, person, record_id, today or date.today())
        return self._record(actor, found, request, lang)

    def _record(
        self, actor: Actor, found: Assessed, request: ReturnRequest, lang: str
    ) -> dict[str, Any]:
        try:
            due = review_date(found.day, request.review_by)
        except ValueError:
            raise InvalidDecision(
                "the review date is after today and at most a year away"
            ) from None
        _check(request, found, actor)
        user = actor.user
        row = add_return_decision(
            self.store,
            {
                "person": found.person,
                "decision": request.decision,
                "note": request.note,
                "review_by": due,
                "best_interests": request.best_interests.as_dict()
                if request.best_interests
                else None,
                "override": request.override,
                "assessment": found.snapshot(),
                "user_id": user.id if user else None,
                "user_name": user.name if user else actor.os_user,
                "organisation": user.organisation if user else None,
            },
            found.records,
        )
        self.audit(
            actor,
            "record_return_decision",
            "entity",
            [found.person],
            decision=request.decision,
            decision_id=str(row["id"]),
            status=found.status,
            override=request.override,
        )
        return {
            **found.as_dict(lang),
            "decision": decision_view(row, found, lang, in_force=True),
        }
