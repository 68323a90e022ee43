import numpy as np

from matching.comparisons import COMPARISON_NAMES, COMPARISONS
from matching.model import FSModel, em_session, estimate_u


def _synthetic_levels(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Pairs drawn from known m and u: 20% matches."""
    rng = np.random.default_rng(seed)
    truth = FSModel()
    n = 20_000
    is_match = rng.random(n) < 0.2
    levels = np.zeros((n, len(COMPARISONS)), dtype=np.int8)
    for k, comparison in enumerate(COMPARISONS):
        m = np.asarray(truth.m[comparison.name], dtype=float)
        u = np.asarray(truth.u[comparison.name], dtype=float)
        levels[is_match, k] = rng.choice(len(m), is_match.sum(), p=m / m.sum())
        levels[~is_match, k] = rng.choice(len(u), (~is_match).sum(), p=u / u.sum())
    return levels, is_match


def test_u_is_estimated_from_level_frequencies_of_random_pairs() -> None:
    levels, is_match = _synthetic_levels()
    u = estimate_u(levels[~is_match])
    assert abs(u["sex"][1] - 0.5) < 0.03
    assert u["sex"][0] == 0.0


def test_em_recovers_m_and_the_share_of_matches() -> None:
    levels, is_match = _synthetic_levels()
    start = FSModel(
        m={c.name: [0] + [1 / (len(c.levels) - 1)] * (len(c.levels) - 1) for c in COMPARISONS}
    )
    start.u = estimate_u(levels[~is_match])
    m, share, _ = em_session(start, levels, COMPARISON_NAMES)
    assert abs(share - 0.2) < 0.03
    assert abs(m["family_name"][1] - 0.70) < 0.05


def test_the_missing_level_weighs_nothing() -> None:
    weights = FSModel().weight_table()
    assert all(weights[c.name][0] == 0.0 for c in COMPARISONS)


def test_a_model_round_trips_through_json() -> None:
    place = [0.0, 0.01] + [0.99 / 8] * 8
    model = FSModel(
        version="test-v1", matches_per_record=0.7, u_near_family={"origin_place": place}
    )
    again = FSModel.from_json(model.to_json())
    assert again.version == "test-v1"
    assert again.m == {k: [round(x, 6) for x in v] for k, v in model.m.items()}
    assert again.u_near_family == {"origin_place": [round(x, 6) for x in place]}


def test_bands_follow_the_thresholds() -> None:
    model = FSModel(match_threshold=0.9, review_threshold=0.4)
    assert model.bands(np.array([0.95, 0.5, 0.1])).tolist() == ["match", "review", "non_match"]
