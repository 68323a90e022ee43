"""Decisions on a safe return: what stands in the way of recommending one, when a recorded
decision is due for review, and when it no longer stands."""

from __future__ import annotations

from datetime import date

import pytest

from tracing.decisions import (
    BestInterests,
    bid_in_time,
    blocking,
    fingerprint,
    review_date,
    stale_reasons,
    with_recorded_determination,
)
from tracing.factors import NO_KNOWN_RISK, RISK, UNKNOWN, Factor, Ref

TODAY = date(2026, 12, 2)
BID = BestInterests(date(2026, 11, 20), "Comité DIE de Kati")


def _factors(**statuses: str) -> list[Factor]:
    named = {
        "family_involvement": NO_KNOWN_RISK,
        "child_best_interests": NO_KNOWN_RISK,
        "informed_consent": NO_KNOWN_RISK,
        **statuses,
    }
    return [Factor(name, status, (), ()) for name, status in named.items()]


def _in_the_way(factors: list[Factor], bid: BestInterests | None = None) -> dict[str, bool]:
    return {b.factor: b.overridable for b in blocking(factors, bid)}


def test_nothing_stands_in_the_way_when_no_factor_blocks() -> None:
    assert _in_the_way(_factors()) == {}


@pytest.mark.parametrize("status", [RISK, UNKNOWN])
def test_a_minor_or_unknown_age_needs_a_best_interests_determination_no_one_can_override(
    status: str,
) -> None:
    assert _in_the_way(_factors(child_best_interests=status)) == {"child_best_interests": False}
    assert _in_the_way(_factors(child_best_interests=status), BID) == {}


@pytest.mark.parametrize("status", [RISK, UNKNOWN])
def test_family_involvement_at_risk_or_unknown_needs_a_supervisors_override(status: str) -> None:
    assert _in_the_way(_factors(family_involvement=status)) == {"family_involvement": True}


def test_a_person_named_as_a_suspect_themselves_needs_an_administrators_override() -> None:
    assert _in_the_way(_factors(person_recorded_as_suspect=RISK)) == {
        "person_recorded_as_suspect": True
    }


def test_no_one_recommends_a_return_the_person_refused() -> None:
    assert _in_the_way(_factors(informed_consent=RISK)) == {"informed_consent": False}


def test_unrecorded_consent_needs_an_administrators_override() -> None:
    assert _in_the_way(_factors(informed_consent=UNKNOWN)) == {"informed_consent": True}


def test_a_determination_counts_for_a_year() -> None:
    assert bid_in_time(BID, TODAY)
    assert bid_in_time(BestInterests(date(2025, 12, 2), "Comité"), TODAY)
    assert not bid_in_time(BestInterests(date(2025, 12, 1), "Comité"), TODAY)
    assert not bid_in_time(BestInterests(date(2026, 12, 3), "Comité"), TODAY)


def test_each_obstacle_is_worded_in_french_and_english() -> None:
    (found,) = blocking(_factors(family_involvement=RISK), None)
    assert "famille" in found.reason.fr and "family" in found.reason.en


def test_a_review_is_due_in_three_months_unless_an_earlier_date_is_set() -> None:
    assert review_date(TODAY, None) == date(2027, 3, 2)
    assert review_date(TODAY, date(2027, 1, 15)) == date(2027, 1, 15)


@pytest.mark.parametrize("asked", [TODAY, date(2026, 1, 1), date(2028, 1, 1)])
def test_a_review_date_is_after_the_decision_and_within_a_year(asked: date) -> None:
    with pytest.raises(ValueError):
        review_date(TODAY, asked)


def test_the_fingerprint_follows_statuses_evidence_and_records_not_order() -> None:
    first = fingerprint(["a", "b"], _factors())
    assert fingerprint(["b", "a"], _factors()) == first
    assert fingerprint(["a", "b"], _factors(informed_consent=RISK)) != first
    assert fingerprint(["a", "b", "c"], _factors()) != first
    evidence = [Factor("family_involvement", RISK, (Ref("DNPEF", "U-1"),), ())]
    assert fingerprint(["a"], evidence) != fingerprint(
        ["a"], [Factor("family_involvement", RISK, (Ref("DNPEF", "U-2"),), ())]
    )


def test_a_decision_stands_until_its_review_date() -> None:
    now = ("v1", ["a", "b"])
    due = date(2027, 3, 2)
    assert stale_reasons(due, ["a", "b"], "v1", now, due) == []
    (late,) = stale_reasons(due, ["a", "b"], "v1", now, date(2027, 3, 3))
    assert "2027-03-02" in late.en and "révision" in late.fr


def test_a_decision_goes_stale_when_the_assessment_or_the_person_changes() -> None:
    due = date(2027, 3, 2)
    (changed,) = stale_reasons(due, ["a", "b"], "v1", ("v2", ["a", "b"]), TODAY)
    assert "assessment changed" in changed.en
    (split,) = stale_reasons(due, ["a", "b"], "v1", ("v2", ["a"]), TODAY)
    assert "records changed" in split.en


def test_a_recorded_determination_is_named_beside_the_childs_factor() -> None:
    child = [Factor("child_best_interests", RISK, (Ref("DNPEF", "V-1"),), ())]
    bid = {"decided_on": "2026-11-20", "body": "Comité DIE de Kati", "reference": "D-7"}
    (factor,) = with_recorded_determination(child, bid, TODAY)
    assert factor.status == RISK
    assert "Comité DIE de Kati, 2026-11-20, D-7" in factor.reasons[-1].en
    stale = {**bid, "decided_on": "2025-01-01"}
    assert with_recorded_determination(child, stale, TODAY) == child
