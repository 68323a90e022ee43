"""The array forms of comparisons and blocking keys give what the scalar forms give."""

from functools import cache

import numpy as np
import pytest

from fixtures.demo import demo_records_path
from matching.blocking import candidate_pairs
from matching.columns import Columns, build_columns
from matching.compare.names import family_level, given_level, parent_level
from matching.compare.pairs import compare_pairs
from matching.compare.places import place_level
from matching.comparisons import COMPARISON_NAMES, COMPARISONS
from matching.fitting import random_pairs
from matching.record_keys import all_record_keys
from models.columnwise import validated_rows


@cache
def _demo() -> Columns:
    rows = [values for _, _, values, _ in validated_rows(demo_records_path()) if values]
    return build_columns(rows, "record_id")


def _pairs(columns: Columns) -> tuple[np.ndarray, np.ndarray]:
    a, b, _ = candidate_pairs(columns)
    ra, rb = random_pairs(len(columns), 20_000)
    return np.concatenate([a, ra]), np.concatenate([b, rb])


def test_integer_blocking_keys_form_the_blocks_of_the_string_keys() -> None:
    columns = _demo()
    a, b, stats = candidate_pairs(columns)
    a2, b2, stats2 = candidate_pairs(columns, keys=all_record_keys(columns))
    assert np.array_equal(a, a2) and np.array_equal(b, b2)
    assert stats == stats2
    assert len(a) > 1000


def test_array_comparisons_agree_with_the_scalar_comparisons() -> None:
    columns = _demo()
    a, b = _pairs(columns)
    levels = compare_pairs(columns, a, b)
    scalar = {
        "family_name": ("family", "family", family_level),
        "given_names": ("given", "given", given_level),
        "origin_place": ("place", "place", place_level),
        "mother": ("mother", "parent", parent_level),
    }
    for name, (column, vocabulary, compare) in scalar.items():
        k = COMPARISON_NAMES.index(name)
        codes = {level: i for i, level in enumerate(COMPARISONS[k].levels)}
        values = columns.vocab[vocabulary].values
        x, y = getattr(columns, column)[a], getattr(columns, column)[b]
        known = np.flatnonzero((x >= 0) & (y >= 0))
        expected = np.zeros(len(a), dtype=np.int8)
        expected[known] = [
            codes[compare(values[i], values[j])]
            for i, j in zip(x[known].tolist(), y[known].tolist(), strict=True)
        ]
        assert np.array_equal(levels[:, k], expected), name
        assert len(set(expected[known].tolist())) >= 3, name


def test_levels_worked_out_once_per_distinct_pair_of_values_are_those_of_every_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    columns = _demo()
    a, b = _pairs(columns)
    monkeypatch.setattr("matching.compare.pairs.DISTINCT_FROM", 10**12)
    each = compare_pairs(columns, a, b)
    monkeypatch.setattr("matching.compare.pairs.DISTINCT_FROM", 1)
    assert np.array_equal(compare_pairs(columns, a, b), each)


def test_sets_with_no_codes_at_all_share_nothing() -> None:
    from matching.compare.arrays import sets, shares_any

    empty = sets([[], []])
    assert not shares_any(empty, np.array([0]), np.array([1])).any()
    some = sets([[], [3, 4], [4], [5]])
    assert shares_any(some, np.array([0, 1, 1, 2]), np.array([1, 2, 3, 3])).tolist() == [
        False,
        True,
        False,
        False,
    ]
