"""Cutting id lists into batches (`models/store/batches.py`)."""

from __future__ import annotations

from models.store.batches import chunks


def test_batches_keep_every_value_in_order() -> None:
    assert [list(c) for c in chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]


def test_no_values_make_no_batch() -> None:
    assert list(chunks([], 3)) == []
