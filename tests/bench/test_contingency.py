"""The contingency-table measures agree with the pair-enumerating ones of bench.metrics,
and the engine's scored pairs are read as the definitions say."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from bench import contingency, metrics
from bench.accuracy import _same_person_pairs
from matching.columns import build_columns

GROUPS = ("north", "south")


@pytest.fixture
def clustering() -> tuple[list[str], dict[str, str], dict[str, str], dict[str, str]]:
    """60 records of 25 persons (a group each) and a noisy predicted clustering."""
    rng = random.Random(4)
    ids = [f"r{k:03d}" for k in range(60)]
    truth = {i: f"p{rng.randrange(25)}" for i in ids}
    group = {p: GROUPS[int(p[1:]) % 2] for p in set(truth.values())}
    predicted = {i: truth[i] if rng.random() < 0.7 else f"c{rng.randrange(8)}" for i in ids}
    return ids, truth, predicted, {i: group[truth[i]] for i in ids}


def _truth(ids, truth, group_of, twins=()) -> contingency.Truth:
    person = contingency.codes([truth[i] for i in ids])
    code = {truth[i]: int(c) for i, c in zip(ids, person, strict=True)}
    return contingency.Truth(
        person=person,
        group=np.array([GROUPS.index(group_of[i]) for i in ids], dtype=np.int16),
        sex=np.zeros(len(ids), dtype=np.int16),
        groups=GROUPS,
        sexes=("F", "M", "?"),
        twins=tuple((code[x], code[y]) for x, y in twins),
    )


def test_pairwise_and_bcubed_agree_with_the_pair_enumeration(clustering) -> None:
    ids, truth, predicted, group_of = clustering
    table = contingency.Table.of(
        contingency.labels_in_order(predicted, ids), _truth(ids, truth, group_of).person
    )
    assert table.pairwise() == metrics.pairwise(predicted, truth)
    assert table.bcubed() == metrics.bcubed(predicted, truth)


def test_per_group_counts_the_pairs_with_a_record_in_the_group(clustering) -> None:
    ids, truth, predicted, group_of = clustering
    t = _truth(ids, truth, group_of)
    table = contingency.Table.of(contingency.labels_in_order(predicted, ids), t.person)
    by_group = table.pairwise_by(t.group, GROUPS)
    for g in GROUPS:
        members = {i for i in ids if group_of[i] == g}
        assert by_group[g] == metrics.pairwise(predicted, truth, members)


def test_twins_merged_agrees_with_the_pair_enumeration(clustering) -> None:
    ids, truth, predicted, group_of = clustering
    persons = sorted(set(truth.values()))
    twins = [(persons[0], persons[1]), (persons[2], persons[3])]
    t = _truth(ids, truth, group_of, twins)
    table = contingency.Table.of(contingency.labels_in_order(predicted, ids), t.person)
    twin_of = {x: y for x, y in twins} | {y: x for x, y in twins}
    assert table.twins_merged(t.twins) == metrics.twin_merges(predicted, truth, twin_of)


def test_largest_compares_the_biggest_predicted_cluster_with_the_biggest_person() -> None:
    table = contingency.Table.of(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]))
    assert table.largest() == {"predicted": 3, "truth": 2}


def test_a_record_missing_from_a_baselines_output_stands_alone() -> None:
    labels = contingency.labels_in_order({"a": "x", "b": "x"}, ["a", "b", "c", "d"])
    assert labels[0] == labels[1]
    assert len({int(labels[2]), int(labels[3]), int(labels[0])}) == 3


def test_scored_pairs_split_what_the_engine_merged_into_direct_and_chained() -> None:
    # Rows 0-1-2 joined by two scored matches (0~1 right, 1~2 wrong): 0 and 2 are joined
    # only through the chain; 3~4 is a review pair of one person.
    predicted = np.array([0, 0, 0, 1, 2])
    person = np.array([0, 0, 1, 2, 2])
    table = contingency.Table.of(predicted, person)
    a, b = np.array([0, 1, 3]), np.array([1, 2, 4])
    probability = np.array([0.995, 0.93, 0.6])
    band = np.array(["match", "match", "review"], dtype=object)
    out = contingency.scored_pairs(a, b, probability, band, table, match_threshold=0.92)
    assert out["scored_matches"] == {"pairs": 2, "true": 1, "precision": 0.5}
    assert out["automatic"] == {"pairs": 3, "true": 1, "precision": round(1 / 3, 4)}
    assert out["chained"] == {"pairs": 1, "true": 0, "precision": 0.0}
    assert out["review_pairs"] == 1 and out["review_precision"] == 1.0
    assert out["review_pairs_per_record"] == 0.2


def test_calibration_puts_each_pair_in_its_probability_band() -> None:
    table = contingency.Table.of(np.arange(4), np.array([0, 0, 1, 2]))
    a, b = np.array([0, 2, 0]), np.array([1, 3, 3])
    probability = np.array([1.0, 0.97, 0.6])
    band = np.array(["match", "match", "review"], dtype=object)
    rows = {
        r["band"]: r
        for r in contingency.scored_pairs(a, b, probability, band, table, 0.92)["calibration"]
    }
    assert (rows["[0.99, 1.0]"]["pairs"], rows["[0.99, 1.0]"]["precision"]) == (1, 1.0)
    assert (rows["[0.95, 0.99)"]["pairs"], rows["[0.95, 0.99)"]["precision"]) == (1, 0.0)
    assert rows["[0.5, 0.8)"]["pairs"] == 1 and rows["[0.8, 0.9)"]["pairs"] == 0


def test_blocking_completeness_counts_true_pairs_found_per_group(tmp_path: Path) -> None:
    truth_file = tmp_path / "truth.csv"
    truth_file.write_text(
        "record_id,person_id,naming_group,sex,true_birth_date,twin_of_person_id\n"
        "a,p1,north,F,,\nb,p1,north,F,,\nc,p2,south,M,,\nd,p2,south,M,,\ne,p2,south,M,,\n"
    )
    t = contingency.read_truth(truth_file, ["a", "b", "c", "d", "e"], GROUPS)
    out = contingency.blocking(np.array([0, 2, 1]), np.array([1, 3, 2]), t, dropped_blocks=0)
    assert out["true_pairs"] == 4 and out["candidate_pairs"] == 3
    assert out["pairs_completeness"] == 0.5
    assert out["pairs_completeness_by_group"] == {"north": 1.0, "south": round(1 / 3, 4)}


def test_same_person_pairs_are_every_pair_of_one_person_outside_one_case() -> None:
    ids = [f"r{k}" for k in range(6)]
    truth = {"r0": "p", "r1": "p", "r2": "p", "r3": "q", "r4": "q", "r5": "s"}
    t = _truth(ids, truth, dict.fromkeys(ids, "north"))
    case = {"r0": "C7", "r1": "C7", "r4": "C3", "r5": "C3"}  # r0 and r1 share a case; r4, r5 too
    columns = build_columns(
        [{"id": i, "source": "OIM", "case_id": case.get(i), "full_name": "Awa Diarra"} for i in ids]
    )

    a, b = _same_person_pairs(columns, t)

    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 2), (1, 2), (3, 4)]


def test_m_against_truth_sets_the_fitted_m_beside_the_share_where_written() -> None:
    from matching.comparisons import COMPARISON

    sex = COMPARISON["sex"]
    same, different, missing = sex.index("same"), sex.index("different"), sex.missing
    levels = np.array([[same], [same], [same], [different], [missing]], dtype=np.int8)

    got = contingency.m_against_truth(levels, [sex], {"sex": [0.0, 0.9, 0.1]})

    assert got["sex"]["present"] == 0.8
    assert got["sex"]["levels"] == {"same": [0.9, 0.75], "different": [0.1, 0.25]}
