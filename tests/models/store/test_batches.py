"""Statements over long lists of ids or keys (`models/store/batches.py`)."""

from __future__ import annotations

import threading
import time

from models.store.batches import chunks
from models.store.prepared import PREPARED_VERSION, add_prepared, read_prepared
from models.store.settings import write_setting


def test_batches_keep_every_value_in_order() -> None:
    assert [list(c) for c in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]


def test_no_values_make_no_batch() -> None:
    assert list(chunks([], 3)) == []


def test_prepared_values_are_read_among_more_keys_than_one_statement_takes(store) -> None:
    rows = [("name", f"{k:032x}", f'["value {k}"]') for k in range(1_250)]
    with store.engine.begin() as c:
        write_setting(c, PREPARED_VERSION, "v")
        add_prepared(c, rows, version="v")
    asked = [f"{k:032x}" for k in range(0, 2_500, 2)]
    with store.engine.connect() as c:
        found = read_prepared(c, "name", asked)
    assert sorted(found) == [(key, value) for _, key, value in rows[::2]]


def test_prepared_values_of_another_kind_are_not_read(store) -> None:
    with store.engine.begin() as c:
        write_setting(c, PREPARED_VERSION, "v")
        add_prepared(c, [("place", "a" * 32, "[]")], version="v")
    with store.engine.connect() as c:
        assert read_prepared(c, "name", ["a" * 32]) == []


def test_a_relink_writing_its_values_makes_an_import_adding_values_wait(store) -> None:
    """The values' transaction reads the stored keys before it writes: no other writer may
    commit between (on SQLite the write after a read made stale fails at once)."""
    with store.engine.begin() as c:
        write_setting(c, PREPARED_VERSION, "v")
        add_prepared(c, [("name", "a" * 32, "[1]")], version="v")
    imported: dict[str, object] = {}

    def import_adding_a_value() -> None:
        try:
            with store.linking() as tx:
                tx.add_prepared([("name", "b" * 32, "[3]")], "v")
            imported["done"] = True
        except Exception as error:
            imported["error"] = error

    class Population:
        """Its keys are asked for inside the transaction: an import starts meanwhile."""

        def keys(self) -> set[tuple[str, str]]:
            self.thread = threading.Thread(target=import_adding_a_value)
            self.thread.start()
            time.sleep(0.3)
            return {("name", "a" * 32), ("name", "c" * 32)}

        def rows(self, keys=None):
            for kind, key in keys:
                yield kind, key, "[2]"

    population = Population()
    store.replace_prepared(population, "v")
    population.thread.join()
    assert imported == {"done": True}
    with store.engine.connect() as c:
        stored = dict(read_prepared(c, "name", ["a" * 32, "b" * 32, "c" * 32]))
    assert stored == {"a" * 32: "[1]", "b" * 32: "[3]", "c" * 32: "[2]"}
