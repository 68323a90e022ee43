"""Pairs worded alike (`matching/reason_classes.py`): a class per level, weight and
values quoted."""

import numpy as np

from matching.columns import build_columns
from matching.comparisons import COMPARISONS
from matching.explain import shown_codes
from matching.reason_classes import reason_classes

FIELD = {c.name: i for i, c in enumerate(COMPARISONS)}
COLUMNS = build_columns(
    [
        {"id": "a", "full_name": "KULIBALI Fatoumata", "phone": "+22376000001"},
        {"id": "b", "full_name": "Fatoumata Coulibaly", "phone": "+22376000002"},
        {"id": "c", "full_name": "KULIBALI Fatoumata", "phone": "+22376000003"},
        {"id": "d", "full_name": "Fatoumata Coulibaly", "phone": "+22376000004"},
    ]
)
A, B = np.array([0, 2, 0]), np.array([1, 3, 3])


def _classes(field: str, weights: list[float], levels: tuple[int, ...] = (1, 1, 1)) -> list:
    _, inverse = reason_classes(COLUMNS, FIELD[field], np.array(levels), np.array(weights), A, B)
    return inverse.tolist()


def test_pairs_quoting_the_same_names_at_one_level_and_weight_are_worded_once() -> None:
    assert _classes("family_name", [2.5, 2.5, 2.5]) == [0, 0, 0]


def test_another_weight_or_another_level_is_another_reason() -> None:
    assert _classes("family_name", [2.5, 2.5, 2.51]) == [0, 0, 1]
    assert len(set(_classes("family_name", [2.5] * 3, (1, 1, 2)))) == 2


def test_names_written_otherwise_are_quoted_otherwise() -> None:
    shown = shown_codes(COLUMNS, FIELD["family_name"])
    assert shown[0] == shown[2] and shown[0] != shown[1]


def test_a_parent_written_otherwise_is_quoted_as_each_record_wrote_it() -> None:
    columns = build_columns(
        [
            {"id": "a", "full_name": "TRAORE Awa", "father_name": "Moussa Traore"},
            {"id": "b", "full_name": "TRAORE Awa", "father_name": "Mousa Traoré"},
        ]
    )
    assert columns.father[0] == columns.father[1]
    shown = shown_codes(columns, FIELD["father"])
    assert shown[0] != shown[1]


def test_a_phone_is_never_quoted_so_any_two_numbers_read_alike() -> None:
    assert _classes("phone", [-3.0] * 3) == [0, 0, 0]
    assert len(set(shown_codes(COLUMNS, FIELD["phone"]).tolist())) == 1


def test_no_pairs_no_classes() -> None:
    first, inverse = reason_classes(
        COLUMNS, 0, np.zeros(0), np.zeros(0), np.zeros(0, int), np.zeros(0, int)
    )
    assert len(first) == len(inverse) == 0
