"""A learned model judged on the decisions of the queue's random share, then recalibrated
on them (`matching.judging`)."""

from __future__ import annotations

import numpy as np
import pytest

from matching.judging import recalibrated, train
from matching.learned import features, fit
from tests.matching.test_learned import _decisions


def _every(n: int, step: int) -> np.ndarray:
    return np.arange(n) % step == 0


def test_judged_on_the_sample_when_it_holds_enough_of_each_kind() -> None:
    d = _decisions()
    sample = _every(len(d.labels), 5)
    report = train(*d.args(), sample=sample)
    assert report.judged_on == "sample"
    assert report.holdout_size == sample.sum()
    assert report.holdout_positives == d.labels[sample].sum()
    assert report.train_size == (~sample).sum()


def test_a_sample_too_small_to_judge_leaves_a_held_out_split() -> None:
    d = _decisions()
    report = train(*d.args(), sample=_every(len(d.labels), 40))
    assert report.judged_on == "held_out"
    assert report.recalibration == {"slope": 1.0, "shift": 0.0}
    assert report.model == train(*d.args()).model


def test_on_the_sample_a_model_that_foretells_the_decisions_better_is_better() -> None:
    d = _decisions(namesakes=80)
    report = train(*d.args(), sample=_every(len(d.labels), 4))
    assert report.learned_log_loss < report.current_log_loss
    assert report.better


def test_on_the_sample_the_current_model_stays_when_its_probabilities_are_the_decisions() -> None:
    d = _decisions(namesakes=80)
    knowing = np.where(d.labels, 0.999, 0.001)
    report = train(d, d.labels, knowing, sample=_every(len(d.labels), 4))
    assert report.judged_on == "sample"
    assert report.current_log_loss < report.learned_log_loss
    assert not report.better


def test_judged_on_the_sample_the_model_is_the_fitted_one_recalibrated_as_reported() -> None:
    d = _decisions(namesakes=80)
    sample = _every(len(d.labels), 4)
    report = train(*d.args(), sample=sample)
    slope, shift = report.recalibration["slope"], report.recalibration["shift"]
    fitted = fit(d.take(~sample), d.labels[~sample], corrects=report.model.corrects)
    expected = slope * fitted.log_odds(d) + shift
    assert report.model.log_odds(d) == pytest.approx(expected, abs=1e-3)


def _drawn_as(
    model_log_odds: np.ndarray, factor: float, seed: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Each pair 20 times, confirmed with probability sigmoid(`factor` x its log odds)."""
    many = np.repeat(np.arange(len(model_log_odds)), 20)
    chance = 1 / (1 + np.exp(-factor * model_log_odds[many]))
    return many, np.random.default_rng(seed).random(len(many)) < chance


def test_an_over_confident_model_is_scaled_down_to_the_shares_reviewers_confirmed() -> None:
    d = _decisions(namesakes=80)
    model = fit(*d.args()[:2])
    z = model.log_odds(d)
    many, labels = _drawn_as(z, 0.5)
    calibrated, slope, _ = recalibrated(model, features(d.take(many)), labels)
    assert slope == pytest.approx(0.5, abs=0.1)
    assert np.abs(calibrated.log_odds(d)).max() < np.abs(z).max()
    assert calibrated.decisions == model.decisions


def test_the_sample_never_makes_a_model_surer_where_it_merges_on_its_own_word() -> None:
    d = _decisions(namesakes=80)
    model = fit(*d.args()[:2])
    many, labels = _drawn_as(model.log_odds(d), 2.0)
    unchanged, slope, shift = recalibrated(model, features(d.take(many)), labels)
    assert unchanged == model
    assert (slope, shift) == (1.0, 0.0)


def test_a_model_no_better_than_chance_on_the_sample_is_not_recalibrated() -> None:
    d = _decisions(namesakes=80)
    model = fit(*d.args()[:2])
    unchanged, slope, shift = recalibrated(model, features(d), ~d.labels)
    assert unchanged == model
    assert (slope, shift) == (1.0, 0.0)


def _with_a_share(factor: float, offset: float) -> tuple:
    """The decisions, and a share of the same pairs three times over, confirmed with
    probability sigmoid(`factor` x the fitted model's log odds + `offset`)."""
    d = _decisions(namesakes=80)
    model = fit(*d.args()[:2])
    many = np.repeat(np.arange(len(d.labels)), 3)
    rng = np.random.default_rng(9)
    chance = 1 / (1 + np.exp(-(factor * model.log_odds(d.take(many)) + offset)))
    labels = rng.random(len(many)) < chance
    every = np.r_[np.arange(len(d.labels)), many]
    pairs = d.take(every)
    confirmed = np.r_[d.labels, labels]
    share = np.r_[np.zeros(len(d.labels), bool), np.ones(len(many), bool)]
    return pairs, confirmed, share


def test_a_share_that_finds_the_model_over_confident_recalibrates_it_in_training() -> None:
    pairs, confirmed, share = _with_a_share(0.5, -0.3)
    report = train(pairs, confirmed, pairs.probability, sample=share)
    assert report.judged_on == "sample"
    assert report.recalibration["slope"] < 0.8
    fitted = fit(pairs.take(~share), confirmed[~share], corrects=report.model.corrects)
    assert np.abs(report.model.log_odds(pairs)).max() < np.abs(fitted.log_odds(pairs)).max()


def test_on_the_share_a_model_is_judged_as_recalibrated_on_the_other_decisions() -> None:
    """Its log loss is that of what it says of each decision once recalibrated on the
    others: fairer to it than the raw fit, never scored on what it was fitted to."""
    from sklearn.metrics import log_loss

    pairs, confirmed, share = _with_a_share(0.5, -0.3)
    report = train(pairs, confirmed, pairs.probability, sample=share)
    fitted = fit(pairs.take(~share), confirmed[~share])
    raw = log_loss(confirmed[share], fitted.predict(pairs.take(share)), labels=[False, True])
    in_sample = log_loss(
        confirmed[share], report.model.predict(pairs.take(share)), labels=[False, True]
    )
    assert in_sample < report.learned_log_loss < raw


def test_the_share_never_lifts_a_pair_past_the_models_match_threshold() -> None:
    """A line under the identity at 0.85 but over it at the threshold (0.5 here) would
    turn pairs the model had let go into merges."""
    d = _decisions(namesakes=80)
    model = fit(*d.args()[:2])
    z = model.log_odds(d)
    many = np.repeat(np.arange(len(z)), 20)
    chance = 1 / (1 + np.exp(-(0.5 * z[many] + 0.8)))
    labels = np.random.default_rng(3).random(len(many)) < chance
    unchanged, slope, shift = recalibrated(model, features(d.take(many)), labels)
    assert unchanged == model
    assert (slope, shift) == (1.0, 0.0)
