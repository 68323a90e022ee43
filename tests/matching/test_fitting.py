import numpy as np

from matching.comparisons import COMPARISON, COMPARISON_NAMES, COMPARISONS
from matching.fitting import near_family_u
from matching.model import estimate_u


def _pairs(count: int, family: str, given: str, place: str) -> np.ndarray:
    levels = np.zeros((count, len(COMPARISONS)), dtype=np.int8)
    for name, level in (("family_name", family), ("given_names", given), ("origin_place", place)):
        levels[:, COMPARISON_NAMES.index(name)] = COMPARISON[name].index(level)
    return levels


def _population() -> np.ndarray:
    """Random pairs: one in a thousand from one village; 400 near family names of
    different given names, one in ten of them from one village."""
    return np.concatenate(
        [
            _pairs(999, "different", "different", "different"),
            _pairs(1, "different", "different", "same_village"),
            _pairs(360, "fuzzy", "different", "different"),
            _pairs(40, "fuzzy", "different", "same_village"),
        ]
    )


def test_near_spellings_of_one_family_name_share_a_village_more_often_than_records_at_random():
    levels = _population()
    u = estimate_u(levels)
    village = COMPARISON["origin_place"].index("same_village")
    near = near_family_u(levels, u)["origin_place"]
    assert u["origin_place"][village] < near[village] < 40 / 400
    assert abs(sum(near) - 1) < 1e-9


def test_near_spellings_of_the_same_given_name_are_not_counted_they_may_be_one_person():
    u = estimate_u(_population())
    with_namesakes = np.concatenate([_population(), _pairs(400, "fuzzy", "exact", "same_village")])
    assert near_family_u(with_namesakes, u) == near_family_u(_population(), u)


def test_without_near_spellings_the_population_u_stands():
    levels = _pairs(1000, "different", "different", "different")
    levels[:10, COMPARISON_NAMES.index("origin_place")] = COMPARISON["origin_place"].index(
        "same_village"
    )
    u = estimate_u(levels)
    assert np.allclose(near_family_u(levels, u)["origin_place"], u["origin_place"])
