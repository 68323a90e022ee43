"""What linking reads and writes on one connection (`models/store/linking.py`: `LinkTx`),
on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Connection

from models.store import Store, linking
from models.store.bulk import SQLITE_CACHE_KB
from tests.models.store.people import ids, load, pair_row, suggestion_row

FIELDS = ("id", "source", "record_id", "full_name")


def _keys(store: Store, keys: dict[str, list[str]]) -> dict[str, uuid.UUID]:
    wanted = ids(store)
    with store.linking() as tx:
        tx.replace_blocking_keys({wanted[r]: k for r, k in keys.items()})
    return wanted


def test_candidates_are_the_records_sharing_a_key_with_how_many_they_share(
    store: Store,
) -> None:
    load(store)
    wanted = _keys(store, {"A-1": ["n:traore", "y:1990"], "A-2": ["n:traore"], "T-1": ["x"]})
    found = store.candidates({"n:traore", "y:1990"}, lambda _: 10)
    assert found == {wanted["A-1"]: 2, wanted["A-2"]: 1}


def test_a_key_held_by_more_records_than_its_cap_is_skipped(store: Store) -> None:
    load(store)
    _keys(store, {"A-1": ["common"], "A-2": ["common"], "K-1": ["common"]})
    assert store.candidates({"common"}, lambda _: 2) == {}


def test_new_keys_replace_a_records_old_ones(store: Store) -> None:
    load(store)
    wanted = _keys(store, {"A-1": ["old"]})
    _keys(store, {"A-1": ["new"]})
    assert store.candidates({"old"}, lambda _: 10) == {}
    assert store.candidates({"new"}, lambda _: 10) == {wanted["A-1"]: 1}


def test_a_key_kept_stays_once_and_a_record_given_no_keys_loses_its_own(store: Store) -> None:
    load(store)
    wanted = _keys(store, {"A-1": ["kept", "old"], "A-2": ["gone"]})
    _keys(store, {"A-1": ["kept", "kept", "new"], "A-2": []})
    assert store.candidates({"kept", "new"}, lambda _: 10) == {wanted["A-1"]: 2}
    assert store.candidates({"old", "gone"}, lambda _: 10) == {}


def test_candidate_records_carry_the_fields_asked_but_not_the_excluded(store: Store) -> None:
    load(store)
    wanted = _keys(store, {"A-1": ["n:traore"], "A-2": ["n:traore"]})
    with store.linking() as tx:
        found = tx.candidate_records({"n:traore"}, lambda _: 10, FIELDS, exclude=[wanted["A-1"]])
    assert found == [
        {"id": wanted["A-2"], "source": "ONG-A", "record_id": "A-2", "full_name": "TRAORÉ Aminata"}
    ]


def test_the_records_of_an_import_are_read_with_the_fields_asked(store: Store) -> None:
    counts = load(store)
    with store.linking() as tx:
        found = tx.records_to_link(counts.import_id, ("record_id",))
    assert found == [
        {"record_id": "A-1"},
        {"record_id": "K-1"},
        {"record_id": "A-2"},
        {"record_id": "T-1"},
    ]


def test_the_records_of_a_case_leave_out_the_excluded(store: Store) -> None:
    load(store)
    wanted = ids(store)
    with store.linking() as tx:
        found = tx.records_of_cases([("OIM", "C1"), ("OIM", "C3")], FIELDS, [wanted["K-1"]])
    assert [r["record_id"] for r in found] == ["A-1"]


def test_assigning_entities_creates_them_and_moves_the_records(store: Store) -> None:
    load(store)
    wanted = ids(store)
    entity = uuid.uuid4()
    with store.linking() as tx:
        assert tx.assign_entities({wanted["A-1"]: entity, wanted["A-2"]: entity}) == 2
    found = store.entity(entity)
    assert found is not None and {r.record_id for r in found[1]} == {"A-1", "A-2"}


def test_saved_pairs_replace_the_old_pairs_of_the_records_named(store: Store) -> None:
    load(store)
    wanted = ids(store)
    with store.linking() as tx:
        tx.save_pairs([pair_row(wanted["A-1"], wanted["A-2"], 0.5)])
    with store.linking() as tx:
        tx.save_pairs([pair_row(wanted["A-1"], wanted["A-2"], 0.9)], replacing=[wanted["A-1"]])
    assert [p["probability"] for p in store.pairs()] == [0.9]


def _pair(first: uuid.UUID, second: uuid.UUID, probability: float) -> dict:
    return pair_row(first, second, probability, [{"field": "sex", "fr": "sexe", "en": "sex"}])


def test_a_relinks_pairs_replace_every_stored_pair_and_leave_the_cache_as_it_was(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store)
    wanted = ids(store)
    with store.linking() as tx:
        tx.save_pairs([_pair(wanted["A-1"], wanted["A-2"], 0.5)])
    monkeypatch.setattr("models.store.linking.MANY_PAIRS", 1)
    while_writing = []
    write = linking.write_pairs

    def spying(c, *args, **kwargs):
        while_writing.append(_cache_size(c))
        return write(c, *args, **kwargs)

    monkeypatch.setattr(linking, "write_pairs", spying)
    new = sorted(
        [_pair(wanted["A-1"], wanted["K-1"], 0.7), _pair(wanted["A-2"], wanted["T-1"], 0.8)],
        key=lambda p: (str(p["record_a"]), str(p["record_b"])),
    )
    with store.linking() as tx:
        before = _cache_size(tx.c)
        tx.replace_all_pairs(new)
        assert _cache_size(tx.c) == before
    assert while_writing == [None if before is None else -SQLITE_CACHE_KB["main"]]
    assert _rows(store.pairs()) == _rows(new)


def _rows(pairs: list[dict]) -> list[tuple]:
    rows = [(str(p["record_a"]), str(p["record_b"]), p["probability"], p["reasons"]) for p in pairs]
    return sorted(rows, key=lambda r: r[:2])


def _cache_size(c: Connection) -> object:
    if c.dialect.name != "sqlite":
        return None
    return c.exec_driver_sql("PRAGMA main.cache_size").scalar()


def test_only_decided_pairs_constrain_linking(store: Store) -> None:
    load(store)
    wanted = ids(store)
    a, b, k = wanted["A-1"], wanted["A-2"], wanted["K-1"]
    store.sync_suggestions([suggestion_row(a, b), suggestion_row(a, k)])
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a, b)
        assert found is not None
        tx.set_suggestion(found["id"], "confirmed", None)
    with store.linking() as tx:
        must, cannot = tx.review_constraints([a, b, k])
    assert ([tuple(sorted(p, key=str)) for p in must], cannot) == (
        [tuple(sorted((a, b), key=str))],
        [],
    )
