import numpy as np

from matching.comparisons import COMPARISON, COMPARISON_NAMES, COMPARISONS
from matching.fitting import identity_established, near_family_u
from matching.model import FSModel, em_session, estimate_u


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


def _levels(count: int, **fields: str) -> np.ndarray:
    levels = np.zeros((count, len(COMPARISONS)), dtype=np.int8)
    for name, level in fields.items():
        levels[:, COMPARISON_NAMES.index(name)] = COMPARISON[name].index(level)
    return levels


ONE_PERSON = {
    "family_name": "exact",
    "sex": "same",
    "birth": "overlap_narrow",
    "origin_place": "same_village",
    "father": "exact",
    "mother": "exact",
}
SIBLINGS = {**ONE_PERSON, "birth": "within_5_years", "given_names": "different"}


def test_siblings_born_years_apart_do_not_establish_identity():
    levels = np.concatenate(
        [
            _levels(3, **ONE_PERSON, given_names="exact"),
            _levels(2, **SIBLINGS),
            _levels(1, **{**ONE_PERSON, "origin_place": "different"}, given_names="exact"),
        ]
    )
    assert identity_established(levels).tolist() == [True] * 3 + [False] * 3


def test_given_names_m_learned_where_identity_is_established_leaves_siblings_out():
    """300 records of one person written twice (one in 30 with another given name) beside
    600 pairs of siblings, who share parents, village and family name: learned on pairs
    sharing the parents, m of different given names takes in the siblings; learned where
    identity is established, it stays near the true one."""
    levels = np.concatenate(
        [
            _levels(290, **ONE_PERSON, given_names="exact"),
            _levels(10, **ONE_PERSON, given_names="different"),
            _levels(600, **SIBLINGS),
        ]
    )
    model = FSModel()
    different = COMPARISON["given_names"].index("different")
    parents = em_session(model, levels, ("given_names",))[0]["given_names"][different]
    rows = identity_established(levels)
    learned = em_session(model, levels[rows], ("given_names",))[0]["given_names"][different]
    assert parents > 0.2
    assert learned < 0.06
