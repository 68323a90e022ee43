"""The review queue's random share (`models/queue_sample.py`)."""

from __future__ import annotations

import pytest

from models.queue_sample import (
    SAMPLE_SHARE,
    in_sample,
    pair_draw,
    queue_place,
    record_digest,
)


def _draws(count: int) -> list[float]:
    return [
        pair_draw(record_digest("OIM", f"A-{k}"), record_digest("ONG-A", f"B-{k}"))
        for k in range(count)
    ]


def test_a_pair_draws_the_same_number_whichever_record_comes_first() -> None:
    first, second = record_digest("OIM", "A-1"), record_digest("ONG-A", "A-1")
    assert pair_draw(first, second) == pair_draw(second, first)
    assert pair_draw(first, second) == pair_draw(
        record_digest("OIM", "A-1"), record_digest("ONG-A", "A-1")
    )


def test_a_record_is_named_by_its_source_and_its_id_there() -> None:
    assert record_digest("OIM", "A-1") != record_digest("ONG-A", "A-1")
    assert record_digest("OIM", "A-1") != record_digest("OIM", "A-10")


def test_about_one_pair_in_ten_is_in_the_sample() -> None:
    draws = _draws(20_000)
    share = sum(in_sample(d) for d in draws) / len(draws)
    assert share == pytest.approx(SAMPLE_SHARE, abs=0.01)
    assert all(0.0 <= d < 1.0 for d in draws)


def test_a_pair_outside_the_sample_stands_by_its_uncertainty() -> None:
    assert queue_place(0.62, SAMPLE_SHARE) == pytest.approx(0.12)
    assert queue_place(0.2, 0.99) == pytest.approx(0.3)


def test_a_pair_of_the_sample_stands_at_a_random_place_of_the_same_range() -> None:
    places = [queue_place(0.15, d) for d in _draws(5_000) if in_sample(d)]
    assert all(0.0 <= p < 0.5 for p in places)
    assert min(places) < 0.05 and max(places) > 0.45
    assert queue_place(0.15, 0.05) == pytest.approx(0.25)
