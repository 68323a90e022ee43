"""One round of review in the benchmark (`bench.reviewed.review_round`): reviewers decide
part of the queue by the truth, the engine learns and links again."""

from pathlib import Path

import numpy as np
import pytest

from bench import contingency
from bench.reviewed import RUNS, drawn, review_round, summary
from fixtures.dataset import generate, write_dataset
from fixtures.names import NAMING_GROUPS
from matching.columns import build_columns
from service.linkfile import valid_columns


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out: Path = tmp_path_factory.mktemp("reviewed")
    write_dataset(generate(400, 7), out)
    columns = build_columns(valid_columns(out / "records.csv", []), "record_id", natural=True)
    ids = [str(i) for i in columns.ids]
    truth = contingency.read_truth(out / "truth.csv", ids, NAMING_GROUPS)
    return review_round(columns, truth, decisions=300)


def test_the_decisions_are_drawn_from_the_queue_and_answered_by_the_truth(reviewed) -> None:
    assert 0 < reviewed["decisions"] <= min(300, reviewed["queue"])
    assert 0 < reviewed["confirmed"] < reviewed["decisions"]


def test_every_run_is_measured_against_the_same_truth(reviewed) -> None:
    assert set(reviewed["runs"]) == set(RUNS)
    true_pairs = {run["pairwise"]["true_pairs"] for run in reviewed["runs"].values()}
    assert len(true_pairs) == 1


def test_keeping_the_decisions_merges_what_reviewers_confirmed(reviewed) -> None:
    """Every confirmed pair becomes one person and every rejected one stays apart: recall
    cannot fall, and precision hardly (a confirmed pair may join two persons, each with a
    wrong record of its own)."""
    fs, kept = reviewed["runs"]["fs"]["pairwise"], reviewed["runs"]["decisions"]["pairwise"]
    assert kept["recall"] >= fs["recall"]
    assert kept["precision"] >= fs["precision"] - 0.005


def test_the_model_learned_weighs_the_fs_evidence_and_is_reported(reviewed) -> None:
    assert reviewed["fs_log_odds_coefficient"] > 0
    assert {"better", "current", "learned"} <= set(reviewed["training"])


def test_the_summary_has_a_row_per_result(reviewed) -> None:
    document = {"data": {"profile": "default", "records": 1600, "households": 400}, **reviewed}
    lines = summary([{**document, "draw": "uncertain"}, document]).splitlines()
    assert len(lines) == 4
    assert "at random" in lines[2] and "most uncertain first" in lines[3]
    assert "FS + the decisions" in lines[0]


def test_reviewers_working_the_queue_in_order_decide_the_pairs_nearest_one_half() -> None:
    queue = np.array([3, 5, 8, 9])
    probability = np.array([0.0, 0.0, 0.0, 0.9, 0.0, 0.52, 0.0, 0.0, 0.35, 0.6])
    assert drawn(queue, probability, 2, "uncertain", 1).tolist() == [5, 9]
    assert set(drawn(queue, probability, 2, "random", 1)) <= set(queue.tolist())


def test_in_the_queues_order_a_pair_of_the_random_share_stands_at_its_random_place() -> None:
    probability = np.array([0.0, 0.15, 0.0, 0.45, 0.0, 0.5, 0.0, 0.3])
    queue = np.array([1, 3, 5, 7])
    far_off_but_drawn = np.array([0.001, 0.9, 0.5, 0.7])  # pair 1 in the share: place 0.005
    assert drawn(queue, probability, 2, "queue", 1, far_off_but_drawn).tolist() == [1, 5]
    with pytest.raises(ValueError, match="draw"):
        drawn(queue, probability, 2, "queue", 1)
