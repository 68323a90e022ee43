"""A caseworker's decision on a safe return, recorded with the assessment it was made on.

The assessment (`tracing.assessment`) is advisory; the decision is the caseworker's and
is kept, never changed: a later decision supersedes it. The rules follow
shared/reference/protection-and-exchange.md (items 25 to 27):

- a return is not recommended for a minor, or a person whose age is unknown, without a
  Best Interests Determination of the past year (its date and the body that made it);
- nor against the person's refusal (return is voluntary);
- nor while the family's involvement in the trafficking is a risk or unknown, while the
  person is named as a suspect themselves, or while the person's consent is not
  recorded, unless an administrator overrides with a reason (the protection reference's
  "supervisor");
- a decision is due for review at a date, and goes stale when that date passes, when the
  assessment's factors change, or when the person's records change (a merge, a split).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracing.factors import NO_KNOWN_RISK, RISK, UNKNOWN, Factor
from tracing.reasons import Reason

__all__ = [
    "DECISIONS",
    "RECOMMENDED",
    "REVIEW_DAYS",
    "BestInterests",
    "bid_in_time",
    "blocking",
    "fingerprint",
    "review_date",
    "split_since",
    "stale_reasons",
    "version",
    "with_recorded_determination",
]

RECOMMENDED = "return_recommended"
NOT_RECOMMENDED = "return_not_recommended"
FURTHER = "further_assessment"
DECISIONS = (RECOMMENDED, NOT_RECOMMENDED, FURTHER)
REVIEW_DAYS = 90
"""A decision is reviewed within three months unless the caseworker sets an earlier date
(the IOM handbook: assessments are revisited if circumstances change)."""
LONGEST_REVIEW = 365
"""The longest a decision goes without review, and the oldest a Best Interests
Determination a return rests on may be (days)."""


@dataclass(frozen=True, slots=True)
class BestInterests:
    """The Best Interests Determination a return of a child rests on."""

    decided_on: date
    body: str
    reference: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "decided_on": self.decided_on.isoformat(),
            "body": self.body,
            "reference": self.reference,
        }


@dataclass(frozen=True, slots=True)
class Blocking:
    """A factor that stands in the way of recommending a return, and whether an
    administrator may decide past it."""

    factor: str
    reason: Reason
    overridable: bool


def _by_name(factors: Iterable[Factor]) -> dict[str, Factor]:
    return {f.factor: f for f in factors}


def blocking(factors: Sequence[Factor], bid: BestInterests | None) -> list[Blocking]:
    """What stands in the way of recommending a return on this assessment."""
    found = []
    named = _by_name(factors)
    child = named.get("child_best_interests")
    if child is not None and child.status != NO_KNOWN_RISK and bid is None:
        found.append(
            Blocking(
                child.factor,
                Reason(
                    "mineur(e) ou âge inconnu : enregistrez d'abord la détermination de "
                    "l'intérêt supérieur de l'enfant (date, instance)",
                    "a minor, or age unknown: record the Best Interests Determination first "
                    "(date, body)",
                ),
                overridable=False,
            )
        )
    own = named.get("person_recorded_as_suspect")
    if own is not None and own.status == RISK:
        found.append(
            Blocking(
                own.factor,
                Reason(
                    "la personne est elle-même citée comme suspecte",
                    "the person is named as a suspect themselves",
                ),
                overridable=True,
            )
        )
    family = named.get("family_involvement")
    if family is not None and family.status in (RISK, UNKNOWN):
        found.append(
            Blocking(
                family.factor,
                Reason(
                    "l'implication de la famille dans la traite est un risque"
                    if family.status == RISK
                    else "l'implication de la famille dans la traite est inconnue",
                    "the family's involvement in the trafficking is a risk"
                    if family.status == RISK
                    else "the family's involvement in the trafficking is unknown",
                ),
                overridable=True,
            )
        )
    consent = named.get("informed_consent")
    if consent is not None and consent.status != NO_KNOWN_RISK:
        refused = consent.status == RISK
        found.append(
            Blocking(
                consent.factor,
                Reason("la personne a refusé le retour", "the person refused to return")
                if refused
                else Reason(
                    "le consentement de la personne au retour n'est pas enregistré",
                    "the person's consent to return is not recorded",
                ),
                overridable=not refused,
            )
        )
    return found


def fingerprint(person_records: Iterable[str], factors: Sequence[Factor]) -> str:
    """What a decision is made on: the person's records and each factor's status and
    evidence (not the wording, nor the day unless a status changes with it)."""
    return _digest(
        {
            "records": sorted(person_records),
            "factors": [[f.factor, f.status, sorted(f.evidence)] for f in factors],
        }
    )


def version(basis: str, latest_decision: str | None) -> str:
    """What a caseworker read before deciding: the assessment's basis (`fingerprint`) and
    the latest decision recorded on the person, so that of two caseworkers deciding on
    the same reading, the second is told the first decided."""
    return _digest({"basis": basis, "latest": latest_decision})


def _digest(content: object) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:20]


def bid_in_time(bid: BestInterests, today: date) -> bool:
    """A determination a return can rest on: not after today, and of the past year."""
    return today - timedelta(days=LONGEST_REVIEW) <= bid.decided_on <= today


def review_date(decided_on: date, asked: date | None) -> date:
    """The date a decision is due for review: the one asked for, else in three months.
    Raises ValueError when the one asked for is not after the decision or more than a year
    later."""
    if asked is None:
        return decided_on + timedelta(days=REVIEW_DAYS)
    if not decided_on < asked <= decided_on + timedelta(days=LONGEST_REVIEW):
        raise ValueError(asked)
    return asked


def stale_reasons(
    review_by: date,
    records: Iterable[str],
    basis: str,
    now: tuple[str, Iterable[str]],
    today: date,
) -> list[Reason]:
    """Why a decision made on `records` and an assessment of `basis` (`fingerprint`), due
    for review on `review_by`, no longer stands on what is known today (`now`: the
    assessment's basis and the person's records today). Empty: it stands."""
    reasons = []
    if today > review_by:
        reasons.append(
            Reason(f"date de révision dépassée ({review_by})", f"review date passed ({review_by})")
        )
    current_basis, records_now = now
    if set(records) != set(records_now):
        reasons.append(
            Reason(
                "les fiches de la personne ont changé depuis (fusion ou séparation)",
                "the person's records changed since (a merge or a split)",
            )
        )
    elif basis != current_basis:
        reasons.append(
            Reason(
                "l'évaluation a changé depuis la décision",
                "the assessment changed since the decision",
            )
        )
    return reasons


def split_since(records: Iterable[str], records_now: Iterable[str]) -> bool:
    """Some of the records a decision was made on now belong to another person (the
    person was split since): its free text may speak of that other person."""
    return not set(records) <= set(records_now)


WITHHELD = Reason(
    "note, dérogation et détermination masquées : des fiches sur lesquelles la décision "
    "a été prise ne sont plus celles de cette personne (séparation)",
    "note, override and determination withheld: some of the records the decision was "
    "made on are no longer this person's (a split)",
)
"""Why a decision's free text is not shown to the readers of a person split since."""


def with_recorded_determination(
    factors: Sequence[Factor], bid: dict | None, today: date
) -> list[Factor]:
    """The factors, the child's best interests saying which Best Interests Determination a
    recorded decision rests on (`bid`: as stored, of the past year), so that the factor
    does not only say one is required. Its status stays: a child is a child."""
    if not bid:
        return list(factors)
    recorded = BestInterests(
        date.fromisoformat(bid["decided_on"]), bid["body"], bid.get("reference")
    )
    if not bid_in_time(recorded, today):
        return list(factors)
    said = ", ".join(v for v in (recorded.body, bid["decided_on"], recorded.reference) if v)
    reason = Reason(
        f"détermination de l'intérêt supérieur enregistrée avec une décision : {said}",
        f"Best Interests Determination recorded with a decision: {said}",
    )
    return [
        Factor(f.factor, f.status, f.records, (*f.reasons, reason))
        if f.factor == "child_best_interests"
        else f
        for f in factors
    ]
