"""Many pairs' reasons as JSON text (`service/reason_texts.py`): what each pair's own
wording gives, to the byte."""

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from fixtures.demo import demo_records_path
from matching import parallel
from matching.columns import build_columns
from matching.model import default_model
from matching.pipeline import LinkResult, link
from models.columnwise import validated_rows
from service import reason_texts
from service.pairs import Oriented, _oriented, review_unmerged
from service.reason_texts import encoded_reasons
from service.scoring import reasons_of


@cache
def _linked() -> tuple[LinkResult, list[Oriented]]:
    rows = [v for _, _, v, _ in validated_rows(demo_records_path()) if v]
    result = link(build_columns(rows, "record_id"), default_model(), keep="review")
    bands, held = review_unmerged(
        result.bands, result.a, result.b, result.clusters.to_review, result.scores.held
    )
    result.scores.held[:] = held
    return result, _oriented(result.columns, result.a, result.b, bands)


def _one_by_one() -> list[str]:
    result, pairs = _linked()
    return [json.dumps(reasons_of(result.columns, x, y, result.scores, k)) for k, x, y in pairs]


def test_every_pair_reads_as_its_own_reasons_encoded() -> None:
    result, pairs = _linked()
    assert encoded_reasons(result.columns, pairs, result.scores) == _one_by_one()


def test_the_demo_pairs_hold_every_kind_of_reason() -> None:
    texts = _one_by_one()
    for kind in ('"household"', '"guard"', '"origin_place"', '"missing"'):
        assert any(kind in t for t in texts), kind
    assert len(texts) > 1000


def test_worded_on_two_workers_in_small_chunks_the_texts_are_the_same() -> None:
    """In a process of one thread: a fresh one, since the test process may hold threads
    an HTTP client of an earlier test left, beside which the guard rightly never forks."""
    done = subprocess.run(
        [sys.executable, "-c", f"from {__name__} import forked_check; forked_check()"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NRM_WORKERS": "2"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.split() == ["forked", "same"]


def forked_check() -> None:
    """Word the demo's pairs on two forked workers, seven classes at a time; print
    whether they forked and whether the texts are each pair's own."""
    reason_texts.PARALLEL_CLASSES, reason_texts.CLASSES_CHUNK = 1, 7
    forked = []

    def spying(work, total, chunk, min_items):
        forked.append(parallel._forks(total, min_items))
        return parallel.map_chunks(work, total, chunk, min_items)

    reason_texts.map_chunks = spying
    result, pairs = _linked()
    same = encoded_reasons(result.columns, pairs, result.scores) == _one_by_one()
    print("forked" if forked == [True] else "alone", "same" if same else "different")


def test_no_pairs_no_texts() -> None:
    result, _ = _linked()
    assert encoded_reasons(result.columns, [], result.scores) == []


def test_a_pair_listed_twice_reads_twice_the_same() -> None:
    result, pairs = _linked()
    texts = encoded_reasons(result.columns, [pairs[0], pairs[0]], result.scores)
    assert texts[0] == texts[1] == _one_by_one()[0]


def test_pairs_a_learned_model_rescored_read_as_their_own_reasons_encoded() -> None:
    rows = [v for _, _, v, _ in validated_rows(demo_records_path()) if v]

    def halve_the_odds(scores):
        p = scores.probability.astype(float)
        return p / (2 - p)

    result = link(
        build_columns(rows, "record_id"), default_model(), keep="review", rescore=halve_the_odds
    )
    pairs = _oriented(result.columns, result.a, result.b, result.bands)
    one_by_one = [
        json.dumps(reasons_of(result.columns, x, y, result.scores, k)) for k, x, y in pairs
    ]
    assert encoded_reasons(result.columns, pairs, result.scores) == one_by_one
    learned = [r for t in one_by_one for r in json.loads(t) if r["field"] == "learned"]
    assert learned and all(r["weight"] == -1.0 and r["level"] == "lowered" for r in learned)
