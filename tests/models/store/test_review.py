"""Suggestions, decision events and the review transaction (`models/store/review.py`),
on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from models.store import Store
from models.store.review import DecisionEvent
from models.users import User, UserRole
from tests.models.store.people import decision_row, ids, load, suggestion_row


def _pair(store: Store) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    load(store)
    wanted = ids(store)
    return wanted["A-1"], wanted["A-2"], wanted["K-1"]


def _reviewer(store: Store) -> User:
    user, _ = store.add_user("awa", UserRole.REVIEWER, "OIM")
    return user


def test_setting_a_suggestion_returns_its_next_version(store: Store) -> None:
    a, b, _ = _pair(store)
    store.sync_suggestions([suggestion_row(a, b)])
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a, b)
        assert found is not None
        assert tx.set_suggestion(found["id"], "awaiting_second", None) == 2


def test_the_queue_puts_group_zero_first_then_the_most_uncertain(store: Store) -> None:
    a, b, k = _pair(store)
    t = ids(store)["T-1"]
    store.sync_suggestions(
        [suggestion_row(a, b, 0.9), suggestion_row(a, k, 0.55), suggestion_row(b, t, 0.8, 0)]
    )
    page = store.suggestion_queue({"status": "pending"}, limit=10)
    assert [s["probability"] for s in page.items] == [0.8, 0.55, 0.9]
    assert page.total == 3 and page.next_cursor is None


def test_a_queue_cursor_continues_where_the_page_ended(store: Store) -> None:
    a, b, k = _pair(store)
    store.sync_suggestions([suggestion_row(a, b, 0.9), suggestion_row(a, k, 0.55)])
    first = store.suggestion_queue({"status": "pending"}, limit=1)
    second = store.suggestion_queue({"status": "pending"}, limit=1, cursor=first.next_cursor)
    assert [s["probability"] for s in (*first.items, *second.items)] == [0.55, 0.9]


def test_decided_pairs_come_in_their_records_order_in_the_files_not_by_stored_ids(
    store: Store,
) -> None:
    """By (source, record id), the lesser record first: the stored ids are random, and a
    model trained with one seed must see the same order in every store of the same records."""
    load(store)
    wanted = ids(store)
    pairs = [("A-2", "T-1"), ("K-1", "A-1"), ("A-1", "A-2"), ("T-1", "K-1")]
    store.sync_suggestions([suggestion_row(wanted[x], wanted[y]) for x, y in pairs])
    with store.review_transaction() as tx:
        for x, y in pairs:
            found = tx.suggestion_for_pair(*sorted((wanted[x], wanted[y]), key=str))
            assert found is not None
            tx.set_suggestion(found["id"], "rejected", None)
    key = {r.id: (r.source, r.record_id) for r in store.iter_records()}
    order = [sorted((key[d["record_a"]], key[d["record_b"]])) for d in store.decided_pairs()]
    assert [[record for _, record in pair] for pair in order] == [
        ["A-1", "K-1"],
        ["A-1", "A-2"],
        ["K-1", "T-1"],
        ["A-2", "T-1"],
    ]


def test_decision_events_are_numbered_in_order_and_read_back_typed(store: Store) -> None:
    a, b, _ = _pair(store)
    user = _reviewer(store)
    with store.review_transaction() as tx:
        first = tx.add_decision(decision_row(user, a, b))
        second = tx.add_decision(decision_row(user, a, b, "non_match"))
    assert isinstance(first, DecisionEvent) and second.seq == first.seq + 1
    found = store.get_decision(second.id)
    assert found is not None and (found.seq, found.decision) == (second.seq, "non_match")
    assert [d.id for d in store.decisions_touching([b])] == [first.id, second.id]


def test_a_revert_event_names_the_decision_it_reverts(store: Store) -> None:
    a, b, _ = _pair(store)
    user = _reviewer(store)
    with store.review_transaction() as tx:
        decided = tx.add_decision(decision_row(user, a, b))
        kept = tx.add_decision(decision_row(user, a, b))
        tx.add_decision(decision_row(user, a, b, "revert", reverts=decided.id))
        assert tx.reverted_ids([decided.id, kept.id]) == {decided.id}


def test_later_decisions_are_those_after_that_changed_the_same_records(store: Store) -> None:
    a, b, k = _pair(store)
    user = _reviewer(store)
    entity = str(uuid.uuid4())
    with store.review_transaction() as tx:
        first = tx.add_decision(decision_row(user, a, b, after={str(a): entity}))
        later = tx.add_decision(decision_row(user, a, k, after={str(a): entity}))
        tx.add_decision(decision_row(user, b, k, after={str(k): entity}))
        assert [d.id for d in tx.later_decisions(first.seq, [str(a)])] == [later.id]


def test_decision_events_cannot_be_edited(store: Store) -> None:
    a, b, _ = _pair(store)
    user = _reviewer(store)
    with store.review_transaction() as tx:
        tx.add_decision(decision_row(user, a, b))
    with pytest.raises(DBAPIError), store.engine.begin() as c:
        c.exec_driver_sql("UPDATE decisions SET note = 'changed'")


def test_restoring_puts_records_back_in_no_entity(store: Store) -> None:
    a, b, _ = _pair(store)
    entity = uuid.uuid4()
    with store.review_transaction() as tx:
        tx.assign({a: entity, b: entity})
        tx.restore({a: None})
        assert tx.entity_of([a, b]) == {a: None, b: entity}
        assert tx.members([entity]) == {b: entity}


def test_the_queue_sample_holds_the_decided_pairs_of_the_share_and_counts_the_others(
    store: Store,
) -> None:
    load(store)
    wanted = ids(store)
    sampled = [("A-1", "A-2", 0.35, "confirmed"), ("K-1", "T-1", 0.15, "rejected")]
    store.sync_suggestions(
        [suggestion_row(wanted[x], wanted[y], p, sampled=True) for x, y, p, _ in sampled]
        + [
            suggestion_row(wanted["A-1"], wanted["K-1"], 0.5, sampled=True),
            suggestion_row(wanted["A-2"], wanted["T-1"], 0.45),
        ]
    )
    with store.review_transaction() as tx:
        for x, y, _, status in [*sampled, ("A-2", "T-1", 0.45, "confirmed")]:
            found = tx.suggestion_for_pair(wanted[x], wanted[y])
            assert found is not None
            tx.set_suggestion(found["id"], status, None)
    decided, others = store.queue_sample()
    assert sorted(decided) == [(0.15, False), (0.35, True)]
    assert others == {"pending": 1}
    assert sorted(d["sampled"] for d in store.decided_pairs()) == [False, True, True]


def test_a_childs_merge_confirmed_once_counts_in_the_share_as_said_to_be_one_person(
    store: Store,
) -> None:
    a, b, k = _pair(store)
    store.sync_suggestions(
        [suggestion_row(a, b, 0.4, sampled=True), suggestion_row(a, k, 0.2, sampled=True)]
    )
    with store.review_transaction() as tx:
        for x, y, status in ((a, b, "awaiting_second"), (a, k, "unsure")):
            found = tx.suggestion_for_pair(x, y)
            assert found is not None
            tx.set_suggestion(found["id"], status, None)
    decided, others = store.queue_sample()
    assert decided == [(0.4, True)]
    assert others == {"unsure": 1}


def test_an_open_suggestion_takes_its_place_in_the_share_when_scored_again(
    store: Store,
) -> None:
    """A store upgraded to the share holds open suggestions outside it: the next run that
    scores them places them, their probability unchanged."""
    a, b, _ = _pair(store)
    store.sync_suggestions([suggestion_row(a, b, 0.45)])
    drawn = {**suggestion_row(a, b, 0.45, sampled=True), "uncertainty": 0.31}
    assert store.sync_suggestions([drawn]).refreshed == 1
    [found] = store.suggestion_queue({"status": "pending"}, limit=10).items
    assert (found["sampled"], found["uncertainty"]) == (True, 0.31)
