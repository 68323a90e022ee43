"""Scored pairs (`matching.scoring.Scores`)."""

import numpy as np
import pytest

from matching.scoring import Scores


def test_rescored_scores_keep_how_far_the_learned_model_moved_each_pair() -> None:
    n = 3
    scores = Scores(
        np.zeros((n, 1), dtype=np.int8),
        np.zeros(n),
        np.array([0.5, 0.8, 0.2]),
        np.zeros(n, dtype=bool),
        np.zeros(n, dtype=np.int64),
        (None, np.arange(n), np.arange(n), None, None),
    )
    again = scores.rescored(np.array([0.5, 0.5, 0.5]))
    assert again.probability.tolist() == [0.5, 0.5, 0.5]
    assert again.learned.tolist() == pytest.approx([0.0, -2.0, 2.0])
    assert again.take(np.array([2])).learned.tolist() == pytest.approx([2.0])
    assert scores.learned is None
