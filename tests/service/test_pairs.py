"""The pairs a linkage run keeps (`service/pairs.py`)."""

import numpy as np

from matching.guards import BIT, guard_names
from matching.model import FSModel
from service.pairs import review_unmerged

A, B = np.array([0, 1, 2]), np.array([1, 2, 3])
BANDS = FSModel().bands(np.array([0.999, 0.999, 0.999]))
HELD = np.zeros(3, dtype=np.uint16)


def test_a_weak_link_between_two_persons_goes_to_review_saying_so() -> None:
    bands, held = review_unmerged(BANDS, A, B, [(2, 1, "weak_link_between_clusters")], HELD)
    assert bands.tolist() == ["match", "review", "match"]
    assert [guard_names(int(h)) for h in held] == [[], ["weak_link"], []]


def test_persons_that_would_contradict_each_other_are_worded_as_such() -> None:
    for why in ("sex_differs", "births_far_apart", "incoherent_person"):
        _, held = review_unmerged(BANDS, A, B, [(0, 1, why)], HELD)
        assert guard_names(int(held[0])) == ["persons_contradict"]


def test_a_pair_held_by_a_shared_case_or_a_rejection_stays_as_it_was() -> None:
    for why in ("same_case", "rejected_by_reviewer"):
        bands, held = review_unmerged(BANDS, A, B, [(0, 1, why)], HELD)
        assert bands.tolist() == BANDS.tolist() and not held.any()


def test_a_pair_held_back_keeps_the_guards_it_had() -> None:
    before = HELD.copy()
    before[2] = BIT["places_differ"]
    _, held = review_unmerged(BANDS, A, B, [(3, 2, "suspect_and_protected")], before)
    assert guard_names(int(held[2])) == ["places_differ", "suspect_and_protected"]
    assert not before[0] and before[2] == BIT["places_differ"]


def test_a_pair_held_inside_a_person_but_never_scored_changes_nothing() -> None:
    bands, held = review_unmerged(BANDS, A, B, [(0, 3, "incoherent_person")], HELD)
    assert bands.tolist() == BANDS.tolist() and not held.any()
