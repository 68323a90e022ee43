import numpy as np

from matching.cluster import cluster


def _labels(n: int, edges: list[tuple[int, int, float]], **kwargs: object) -> list[int]:
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    p = np.array([e[2] for e in edges], dtype=float)
    return cluster(n, a, b, p, 0.9, **kwargs).labels.tolist()  # type: ignore[arg-type]


def test_matched_pairs_join_and_unmatched_records_stay_alone() -> None:
    assert _labels(4, [(0, 1, 0.99), (2, 3, 0.5)]) == [0, 0, 2, 3]


def test_a_pair_rejected_by_a_reviewer_never_ends_in_one_entity() -> None:
    edges = [(0, 1, 0.999), (1, 2, 0.998)]
    assert _labels(3, edges, cannot_link=[(0, 2)]) == [0, 0, 2]


def test_a_pair_confirmed_by_a_reviewer_always_ends_in_one_entity() -> None:
    assert _labels(3, [], must_link=[(0, 2)]) == [0, 1, 0]


def test_two_rows_of_one_case_are_never_one_person() -> None:
    case = np.array([7, 7, -1])
    result = cluster(
        3, np.array([0, 1]), np.array([2, 2]), np.array([0.999, 0.995]), 0.9, case=case
    )
    assert result.labels.tolist() == [0, 1, 0]
    assert result.to_review == [(1, 2, "same_case")]


def test_a_single_weak_link_between_two_clusters_goes_to_review() -> None:
    edges = [(0, 1, 0.999), (2, 3, 0.999), (1, 2, 0.93)]
    a = np.array([e[0] for e in edges])
    b = np.array([e[1] for e in edges])
    result = cluster(4, a, b, np.array([e[2] for e in edges]), 0.9)
    assert result.labels.tolist() == [0, 0, 2, 2]
    assert result.to_review == [(1, 2, "weak_link_between_clusters")]


def test_two_clusters_join_when_several_members_link() -> None:
    edges = [(0, 1, 0.999), (2, 3, 0.999), (1, 2, 0.93), (0, 3, 0.94)]
    assert _labels(4, edges) == [0, 0, 0, 0]


def test_labels_do_not_depend_on_the_order_of_the_pairs() -> None:
    edges = [(3, 4, 0.99), (0, 4, 0.98)]
    assert _labels(5, edges) == _labels(5, list(reversed(edges))) == [0, 1, 2, 0, 0]
