"""The review vocabulary: suggestion states, decisions, and how a state follows from decisions.

A suggestion's state is never edited by hand: it is replayed from the
effective (not reverted) decisions on it, in order. A merge that involves a
minor needs two confirmations from two different reviewers (four eyes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    AWAITING_SECOND = "awaiting_second"
    """One reviewer confirmed a match that involves a minor; a second one must."""
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    UNSURE = "unsure"
    WITHDRAWN = "withdrawn"
    """Re-linking no longer finds the pair uncertain; kept, never deleted."""


OPEN_STATUSES = (
    SuggestionStatus.PENDING,
    SuggestionStatus.AWAITING_SECOND,
    SuggestionStatus.UNSURE,
)
DECIDED_STATUSES = (SuggestionStatus.CONFIRMED, SuggestionStatus.REJECTED)
"""Settled by reviewers: must-link and cannot-link for every linkage run."""


class DecisionKind(StrEnum):
    MATCH = "match"
    NON_MATCH = "non_match"
    UNSURE = "unsure"
    REVERT = "revert"


class Effect(StrEnum):
    NONE = "none"
    FIRST_CONFIRMATION = "first_confirmation"
    MERGED = "merged"
    SPLIT = "split"
    RESTORED = "restored"


@dataclass(frozen=True, slots=True)
class Replayed:
    status: SuggestionStatus
    confirmed_by: UUID | None


def replay(decisions: Iterable[tuple[str, UUID]], needs_two: bool) -> Replayed:
    """The state of a suggestion after these effective decisions `(kind, user id)`, in order."""
    status, confirmed_by = SuggestionStatus.PENDING, None
    for kind, user in decisions:
        if kind == DecisionKind.NON_MATCH:
            status, confirmed_by = SuggestionStatus.REJECTED, None
        elif kind == DecisionKind.UNSURE:
            status, confirmed_by = SuggestionStatus.UNSURE, None
        elif kind == DecisionKind.MATCH:
            second = status is SuggestionStatus.AWAITING_SECOND and confirmed_by != user
            if needs_two and not second:
                status, confirmed_by = SuggestionStatus.AWAITING_SECOND, user
            else:
                status = SuggestionStatus.CONFIRMED
    return Replayed(status, confirmed_by)


def could_be_minor(record: dict[str, Any], today: date | None = None) -> bool:
    """Under 18 at registration (or today, when the registration date is unknown), by the
    latest birth date the record allows: when in doubt, treat the person as a child."""
    latest = record.get("birth_latest")
    if latest is None:
        return False
    when = record.get("registered_on") or today or date.today()
    return when < adulthood(latest)


def adulthood(born: date) -> date:
    """The day someone born on `born` turns 18 (29 February: the 28th)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return born.replace(year=born.year + 18, day=28)
