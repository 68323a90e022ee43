"""Suggestions following linkage runs (`models/store/suggestions.py`), on SQLite and
PostgreSQL."""

from __future__ import annotations

import uuid

from models.store import Store
from models.store.suggestions import SuggestionSync
from tests.models.store.people import ids, load, suggestion_row


def _pair(store: Store) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    load(store)
    wanted = ids(store)
    return wanted["A-1"], wanted["A-2"], wanted["K-1"]


def test_a_new_uncertain_pair_becomes_a_pending_suggestion(store: Store) -> None:
    a, b, _ = _pair(store)
    assert store.sync_suggestions([suggestion_row(a, b)]) == SuggestionSync(1, 0, 0)
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(b, a)
    assert found is not None and (found["status"], found["version"]) == ("pending", 1)


def test_a_rescored_open_suggestion_moves_its_version(store: Store) -> None:
    a, b, _ = _pair(store)
    store.sync_suggestions([suggestion_row(a, b, 0.5)])
    assert store.sync_suggestions([suggestion_row(a, b, 0.6)]) == SuggestionSync(0, 1, 0)
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a, b)
    assert found is not None and (found["probability"], found["version"]) == (0.6, 2)


def test_an_open_suggestion_a_run_no_longer_finds_is_withdrawn(store: Store) -> None:
    a, b, k = _pair(store)
    store.sync_suggestions([suggestion_row(a, b), suggestion_row(a, k)])
    assert store.sync_suggestions([suggestion_row(a, b)]) == SuggestionSync(0, 0, 1)


def test_a_decided_suggestion_is_never_touched_by_a_run(store: Store) -> None:
    a, b, _ = _pair(store)
    store.sync_suggestions([suggestion_row(a, b)])
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a, b)
        assert found is not None
        tx.set_suggestion(found["id"], "rejected", None)
    assert store.sync_suggestions([]) == SuggestionSync(0, 0, 0)
    assert store.sync_suggestions([suggestion_row(a, b, 0.7)]) == SuggestionSync(0, 0, 0)


def test_a_suggestion_a_reviewer_began_to_decide_is_never_withdrawn_by_a_run(
    store: Store,
) -> None:
    """A child's merge confirmed once waits for its second reviewer (a pair linked
    directly was never scored uncertain); one a reviewer was unsure of waits for another:
    a relink that does not find them leaves them in their queues."""
    a, b, k = _pair(store)
    store.sync_suggestions([suggestion_row(a, b), suggestion_row(a, k)])
    with store.review_transaction() as tx:
        for pair, status in (((a, b), "awaiting_second"), ((a, k), "unsure")):
            found = tx.suggestion_for_pair(*pair)
            assert found is not None
            tx.set_suggestion(found["id"], status, None)
    with store.review_transaction() as tx:
        read = [tx.suggestion_for_pair(a, b), tx.suggestion_for_pair(a, k)]
    assert store.sync_suggestions([]) == SuggestionSync(0, 0, 0)
    with store.review_transaction() as tx:
        kept = [tx.suggestion_for_pair(a, b), tx.suggestion_for_pair(a, k)]
    assert [s["status"] for s in kept if s] == ["awaiting_second", "unsure"]
    # a reviewer holding the pair as read before the run must read it again
    assert [s["version"] for s in kept if s] == [r["version"] + 1 for r in read if r]
