from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from matching.comparisons import COMPARISON_NAMES, COMPARISONS
from matching.judging import train
from matching.learned import (
    FS_FEATURE,
    LN2,
    REGULARISATION_C,
    LearnedModel,
    NotEnoughDecisions,
    feature_names,
    features,
    fit,
    penalised_fit,
)
from matching.model import FSModel, contributions, probability_from_log2_odds


@dataclass
class Decisions:
    levels: np.ndarray
    household: np.ndarray
    sibling: np.ndarray
    probability: np.ndarray
    """The FS model's probability of each decided pair (the current model's)."""
    labels: np.ndarray

    def args(self) -> tuple[Decisions, np.ndarray, np.ndarray]:
        return self, self.labels, self.probability

    def take(self, index: np.ndarray | slice) -> Decisions:
        return Decisions(
            self.levels[index],
            self.household[index],
            self.sibling[index],
            self.probability[index],
            self.labels[index],
        )


def _evidence(levels: np.ndarray, household=None, sibling=None, probability=None) -> Decisions:
    n = len(levels)
    return Decisions(
        levels,
        np.zeros(n) if household is None else np.asarray(household, dtype=float),
        np.zeros(n, dtype=bool) if sibling is None else np.asarray(sibling),
        np.full(n, 0.5) if probability is None else np.asarray(probability, dtype=float),
        np.zeros(n, dtype=bool),
    )


def _pairs(rng: np.random.Generator, n: int, **choices: tuple[str, ...]) -> np.ndarray:
    """`n` pairs whose level per comparison is drawn from the named levels (default missing)."""
    levels = np.zeros((n, len(COMPARISONS)), dtype=np.int8)
    for k, comparison in enumerate(COMPARISONS):
        names = choices.get(comparison.name, ("missing",))
        levels[:, k] = rng.choice([comparison.levels.index(name) for name in names], n)
    return levels


def _fs_probability(levels: np.ndarray) -> np.ndarray:
    model = FSModel()
    return probability_from_log2_odds(
        model.prior_log2_odds(1000) + contributions(model, levels).sum(axis=1)
    )


def _decisions(seed: int = 1, namesakes: int = 80) -> Decisions:
    """Confirmed matches, clear rejections and, optionally, rejected namesakes.

    A namesake has the same family name, the same village and a close birth
    but different given names: the FS model calls it a match, reviewers
    reject it every time.
    """
    rng = np.random.default_rng(seed)
    matches = _pairs(
        rng,
        150,
        family_name=("exact", "same_key", "same_clan_group"),
        given_names=("exact", "same_group", "alias_or_short", "fuzzy"),
        sex=("same",),
        birth=("same_day", "overlap_narrow", "overlap_wide"),
        origin_place=("same_village", "same_commune"),
        father=("missing", "exact"),
        mother=("missing", "exact", "same_group"),
    )
    strangers = _pairs(
        rng,
        150,
        family_name=("different", "fuzzy", "exact"),
        given_names=("different", "partial"),
        sex=("same", "different"),
        birth=("within_5_years", "further", "missing"),
        origin_place=("different", "same_region", "missing"),
        father=("missing", "different"),
        mother=("missing", "different"),
    )
    lookalikes = _pairs(
        rng,
        namesakes,
        family_name=("exact",),
        given_names=("different",),
        sex=("same",),
        birth=("same_day", "overlap_narrow"),
        origin_place=("same_village",),
    )
    levels = np.vstack([matches, strangers, lookalikes])
    labels = np.r_[np.ones(len(matches)), np.zeros(len(strangers) + len(lookalikes))].astype(bool)
    household = np.where(labels, rng.choice([0.0, 2.0], len(labels)), 0.0)
    sibling = np.zeros(len(labels), dtype=bool)
    return Decisions(levels, household, sibling, _fs_probability(levels), labels)


def test_features_are_fs_log_odds_one_hot_levels_but_missing_household_and_sibling() -> None:
    names = feature_names()
    assert len(names) == 1 + sum(len(c.levels) - 1 for c in COMPARISONS) + 2
    assert names[0] == "fs_log_odds"
    assert "family_name=same_clan_group" in names
    assert "family_name=missing" not in names
    assert names[-2:] == ["household_support", "sibling"]

    levels = np.zeros((2, len(COMPARISONS)), dtype=np.int8)
    levels[0, COMPARISON_NAMES.index("family_name")] = 3  # same_clan_group
    x = features(_evidence(levels, [1.5, 0.0], [True, False], [0.8, 0.5]))
    assert x.shape == (2, len(names))
    expected = {"family_name=same_clan_group": 1.0, "household_support": 1.5, "sibling": 1.0}
    assert x[0, 0] == pytest.approx(np.log(4.0))
    assert x[0, 1:].tolist() == [expected.get(n, 0.0) for n in names[1:]]
    assert not x[1].any()


def test_a_certain_fs_probability_gives_finite_log_odds() -> None:
    levels = np.zeros((2, len(COMPARISONS)), dtype=np.int8)
    x = features(_evidence(levels, probability=[0.0, 1.0]))
    assert np.isfinite(x).all()
    assert x[0, 0] < 0 < x[1, 0]


def test_a_shared_phone_is_a_feature_only_where_the_given_names_agree() -> None:
    """As in the Fellegi-Sunter weights: sisters share their family's number."""
    levels = np.zeros((2, len(COMPARISONS)), dtype=np.int8)
    given, phone = COMPARISON_NAMES.index("given_names"), COMPARISON_NAMES.index("phone")
    levels[:, phone] = COMPARISONS[phone].index("same")
    levels[0, given] = COMPARISONS[given].index("exact")
    levels[1, given] = COMPARISONS[given].index("different")
    x = features(_evidence(levels))
    column = feature_names().index("phone=same")
    assert x[:, column].tolist() == [1.0, 0.0]


def test_features_refuse_a_level_out_of_range() -> None:
    levels = np.zeros((1, len(COMPARISONS)), dtype=np.int8)
    levels[0, COMPARISON_NAMES.index("sex")] = 3
    with pytest.raises(ValueError, match="sex"):
        features(_evidence(levels))


def test_pulled_towards_zero_the_fit_is_scikit_learns_logistic_regression() -> None:
    """The objective is scikit-learn's (L2, the intercept free); only where the penalty
    pulls differs."""
    from sklearn.linear_model import LogisticRegression

    d = _decisions()
    x = features(d)
    intercept, weights = penalised_fit(x, d.labels, np.zeros(x.shape[1]))
    estimator = LogisticRegression(C=REGULARISATION_C, max_iter=5000, tol=1e-10).fit(x, d.labels)
    model = LearnedModel.of(intercept, weights, decisions=len(d.labels))
    np.testing.assert_allclose(model.predict(d), estimator.predict_proba(x)[:, 1], atol=1e-4)


def test_a_fit_on_features_that_are_not_finite_is_refused() -> None:
    """scipy returns its starting point, the FS model as it is, without a word."""
    d = _decisions()
    x = features(d)
    x[0, 0] = np.nan
    with pytest.raises(ValueError, match="not finite"):
        penalised_fit(x, d.labels, np.zeros(x.shape[1]))


def test_where_the_levels_say_what_the_fs_log_odds_say_the_fs_model_keeps_its_word() -> None:
    """The FS log-odds are made of the levels' weights: decisions that agree with both
    cannot tell which to credit. Pulled towards zero, the fit credited the levels (FS
    weight 0.2 here; -0.23 on the benchmark's decisions at 247k records, reviewers working
    the queue most uncertain first) and merged namesakes; pulled towards 1, it keeps the
    FS model and learns no correction."""
    rng = np.random.default_rng(0)
    given = COMPARISON_NAMES.index("given_names")
    agree = rng.random(600) < 0.5
    levels = np.zeros((600, len(COMPARISONS)), dtype=np.int8)
    levels[:, given] = np.where(
        agree,
        COMPARISONS[given].levels.index("exact"),
        COMPARISONS[given].levels.index("different"),
    )
    probability = np.where(agree, 0.6, 0.4)
    labels = rng.random(600) < probability
    model = fit(_evidence(levels, probability=probability), labels)
    assert model.coefficients[FS_FEATURE] == pytest.approx(1.0, abs=0.1)
    assert abs(model.coefficients["given_names=exact"]) < 0.1
    assert abs(model.coefficients["given_names=different"]) < 0.1


def test_a_model_round_trips_through_json_with_identical_predictions_and_version() -> None:
    d = _decisions()
    model = fit(d, d.labels)
    again = LearnedModel.from_json(model.to_json())
    assert again == model
    assert again.version == model.version
    assert again.version.startswith("learned-")
    assert np.array_equal(again.predict(d), model.predict(d))


def test_a_model_whose_coefficients_were_altered_is_refused() -> None:
    d = _decisions()
    document = json.loads(fit(d, d.labels).to_json())
    document["coefficients"]["given_names=different"] += 1.0
    with pytest.raises(ValueError, match="version"):
        LearnedModel.from_json(json.dumps(document))


def test_a_model_learned_on_levels_of_another_meaning_is_refused() -> None:
    """Two names the tables know apart left the near-spelling level on 2026-12-05: a
    model learned before weighs that level for pairs it no longer holds."""
    d = _decisions()
    document = json.loads(fit(d, d.labels).to_json())
    del document["levels"]
    with pytest.raises(ValueError, match="levels"):
        LearnedModel.from_json(json.dumps(document))


def test_a_model_says_which_fs_model_it_corrects_and_is_refused_if_it_does_not() -> None:
    """Its corrections are of one FS model's log-odds and weights; a model that does not
    name it cannot be checked against the FS model in use."""
    d = _decisions()
    model = fit(d, d.labels, corrects="mali-fs-v1+abc")
    document = json.loads(model.to_json())
    assert document["corrects"] == "mali-fs-v1+abc"
    assert LearnedModel.from_json(model.to_json()).corrects == "mali-fs-v1+abc"
    assert fit(d, d.labels, corrects="mali-fs-v1+def").version != model.version
    del document["corrects"]
    with pytest.raises(KeyError):
        LearnedModel.from_json(json.dumps(document))


def test_explain_gives_the_weighing_features_that_add_up_to_the_log2_odds() -> None:
    d = _decisions()
    model = fit(d, d.labels)
    reasons = model.explain(d.take(slice(0, 1)))
    names = [name for name, _ in reasons]
    missing = [f"{c.name}=missing" for c in COMPARISONS]
    assert names and not set(names) & set(missing)
    assert all(weight != 0 for _, weight in reasons)
    log_odds = model.log_odds(d.take(slice(0, 1)))[0]
    assert sum(w for _, w in reasons) + model.intercept / LN2 == pytest.approx(log_odds / LN2)


def test_too_few_decisions_are_refused() -> None:
    d = _decisions()
    with pytest.raises(NotEnoughDecisions, match="at least 100"):
        train(*d.take(slice(0, 60)).args())


def test_decisions_of_one_kind_only_are_refused() -> None:
    d = _decisions()
    confirmed = d.labels
    with pytest.raises(NotEnoughDecisions, match="both kinds"):
        train(*d.take(confirmed).args())


def test_a_model_that_learns_to_reject_namesakes_beats_the_current_one() -> None:
    d = _decisions(namesakes=80)
    assert (d.probability[-80:] >= 0.5).all(), "the FS model calls every namesake a match"
    report = train(*d.args())
    assert report.learned.f1 > report.current.f1
    assert report.learned.precision > report.current.precision
    assert report.better
    assert report.train_size + report.holdout_size == len(d.labels)
    assert report.holdout_positives + report.holdout_negatives == report.holdout_size


def test_no_switch_when_the_current_model_already_agrees_with_reviewers() -> None:
    d = _decisions(namesakes=0)
    agreeing = d.probability >= 0.5
    report = train(d, agreeing, d.probability)
    assert report.current.f1 == 1.0
    assert not report.better


def test_the_current_model_is_judged_at_the_given_threshold() -> None:
    d = _decisions()
    strict = train(*d.args(), current_threshold=0.9999)
    lenient = train(*d.args(), current_threshold=0.5)
    assert strict.current.recall < lenient.current.recall
    assert strict.current_threshold == 0.9999


def test_training_is_deterministic_given_the_seed() -> None:
    d = _decisions()
    first, second = train(*d.args(), seed=7), train(*d.args(), seed=7)
    assert first == second
    assert first.model.version == second.model.version


def test_a_probability_is_the_share_of_such_pairs_reviewers_confirmed() -> None:
    """Every decision weighs the same: where reviewers rejected four pairs in five, the
    model says one in five, not one in two."""
    levels = _pairs(np.random.default_rng(3), 500, family_name=("exact",), sex=("same",))
    labels = np.arange(500) % 5 == 0
    model = fit(_evidence(levels, probability=np.full(500, 0.6)), labels)
    predicted = model.predict(_evidence(levels[:1], probability=[0.6]))[0]
    assert predicted == pytest.approx(0.2, abs=0.02)


def test_a_common_name_agreeing_proves_less_than_a_rare_one_after_learning() -> None:
    """Decisions cannot count how many people of the registry share a name; the FS
    log-odds can. Two pairs with the same levels, one of a rare name (FS 0.95), one of a
    name half the registry bears (FS 0.2): the learned model keeps them apart."""
    rng = np.random.default_rng(5)
    levels = _pairs(
        rng, 400, family_name=("exact",), given_names=("exact",), sex=("same",), birth=("missing",)
    )
    rare = np.arange(400) % 2 == 0
    probability = np.where(rare, 0.95, 0.2)
    labels = np.where(rare, rng.random(400) < 0.95, rng.random(400) < 0.2)
    model = fit(_evidence(levels, probability=probability), labels)
    rare_pair = model.predict(_evidence(levels[:1], probability=[0.95]))[0]
    common_pair = model.predict(_evidence(levels[:1], probability=[0.2]))[0]
    assert rare_pair > 0.8 > 0.4 > common_pair
