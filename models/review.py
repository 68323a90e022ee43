"""The review vocabulary: suggestion states, decisions, and how a state follows from decisions.

A suggestion's state is never edited by hand: it is replayed from the
effective (not reverted) decisions on it, in order. A merge that involves a
minor needs two confirmations from two different reviewers (four eyes).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

import numpy as np


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


def possible_minors(
    latest: np.ndarray, registered: np.ndarray, today: date | None = None
) -> np.ndarray:
    """`could_be_minor` of many records at once, from their latest birth dates and
    registration dates as day ordinals (0 or less: unknown)."""
    latest = np.asarray(latest, dtype=np.int64).reshape(-1)
    registered = np.asarray(registered, dtype=np.int64).reshape(-1)
    known = latest > 0
    days, at = np.unique(latest[known], return_inverse=True)
    adult = np.zeros(len(latest), dtype=np.int64)
    adult[known] = np.asarray(
        [adulthood(date.fromordinal(int(d))).toordinal() for d in days], dtype=np.int64
    )[at.reshape(-1)]
    when = np.where(registered > 0, registered, (today or date.today()).toordinal())
    return known & (when < adult)


def persons_needing_four_eyes(
    person: np.ndarray, latest: np.ndarray, registered: np.ndarray, today: date | None = None
) -> np.ndarray:
    """Whether a merge that joins each person needs two reviewers: a record of theirs may
    be a child's (`could_be_minor`), or no record of theirs tells their age (a person of
    unknown age is treated as a child, as a return is: `tracing.assessment`). `person`
    gives each record's person as a code from 0; `latest` and `registered` its latest
    birth date and registration date as in `possible_minors`. One answer per code, read
    over all the records at once (a relink asks it of a million)."""
    person = np.asarray(person, dtype=np.int64).reshape(-1)
    count = int(person.max()) + 1 if len(person) else 0
    child = np.bincount(person, possible_minors(latest, registered, today), count) > 0
    dated = np.bincount(person, np.asarray(latest).reshape(-1) > 0, count) > 0
    return child | ~dated


def minor_persons(records: Iterable[Mapping[str, Any]], today: date | None = None) -> set[Hashable]:
    """The persons a merge joining whom needs two reviewers (`persons_needing_four_eyes`),
    of records `{person, birth_latest, registered_on}` holding every record of each
    person: what a decision reads (`service.review`) and what marks a suggestion
    before (`models.store.suggestions.mark_minor_persons_on`)."""
    rows = list(records)
    codes: dict[Hashable, int] = {}
    person = [codes.setdefault(r["person"], len(codes)) for r in rows]
    latest = [day_ordinal(r.get("birth_latest")) for r in rows]
    registered = [day_ordinal(r.get("registered_on")) for r in rows]
    needing = persons_needing_four_eyes(
        np.asarray(person, dtype=np.int64), np.asarray(latest), np.asarray(registered), today
    )
    return {p for p, code in codes.items() if needing[code]}


def day_ordinal(day: date | None) -> int:
    """A day as its ordinal, 0 when unknown (as `possible_minors` reads them)."""
    return day.toordinal() if day else 0


def adulthood(born: date) -> date:
    """The day someone born on `born` turns 18 (29 February: the 28th)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return born.replace(year=born.year + 18, day=28)
