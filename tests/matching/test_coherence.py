"""Coherent persons (`matching.coherence.coherent_persons`): a person clustering made is
split again where its records disagree."""

import numpy as np

from matching.coherence import coherent_persons
from matching.columns import build_columns
from matching.guards import BIT
from matching.model import FSModel


def _split(held: np.ndarray | None) -> np.ndarray:
    """A person of three records of Awa Diarra and one of a man, which contradicts them:
    it is split along the links A~B (0.95) and B~C (0.8); A~C scored low."""
    rows = [
        {"id": "A", "full_name": "Awa Diarra", "sex": "F"},
        {"id": "B", "full_name": "Awa Diarra", "sex": "F"},
        {"id": "C", "full_name": "Awa Diarra", "sex": "F"},
        {"id": "D", "full_name": "Awa Diarra", "sex": "M"},
    ]
    a, b = np.array([0, 1, 2, 0]), np.array([1, 2, 3, 2])
    probability = np.array([0.95, 0.8, 0.75, 0.05])
    labels, _ = coherent_persons(
        build_columns(rows), np.zeros(4, dtype=np.int64), a, b, probability, FSModel(), held=held
    )
    return labels


def test_a_person_whose_records_contradict_is_split_along_its_links() -> None:
    labels = _split(None)
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_a_link_a_guard_held_is_not_followed_when_a_person_is_split() -> None:
    """The learned model lifted B~C to 0.8 but not surely (`learned_alone`)."""
    labels = _split(np.array([0, BIT["learned_alone"], 0, 0], dtype=np.uint16))
    assert labels[0] == labels[1] != labels[2]
    assert labels[2] != labels[3]
