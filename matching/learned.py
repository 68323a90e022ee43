"""A match model learned from reviewers' decisions, kept as plain data.

Reviewers confirm or reject suggested pairs. Their decisions teach what the
Fellegi-Sunter model cannot see on its own, for instance that a same family
name in the same village with different given names is a namesake, not the
same person, or that EM's m of a disagreement, fitted on a population holding
relatives, is too high. A logistic regression is fitted (scipy's L-BFGS) on
the decided pairs: the Fellegi-Sunter log-odds of each (with the population's
term frequencies and prior: how common the names are in the registry, which
a few hundred decisions cannot learn) and, as corrections, the comparison
levels (one-hot, the `missing` level being the baseline that carries no
evidence, as in the FS model). It is stored as an intercept and one
coefficient per readable feature name: JSON that can be diffed in review,
never a pickle, and predicts with numpy alone.

Measured in a scratch run of the benchmark's round of review (2,000 decisions drawn from
the queue, 3,000 at 247k, all of them fitted on; persons linked again, the decisions
left out, no `learned_alone` guard), against the model before this one (the levels
alone, rejections weighing as much as confirmations in total), P / R / F1: mixed 23k
0.914 / 0.383 / 0.539 before, 0.918 / 0.458 / 0.611 now; namesakes 23k 0.925 / 0.512 /
0.659 and 0.955 / 0.532 / 0.683; patronymic 23k 0.967 / 0.697 / 0.810 and 0.968 / 0.725
/ 0.829; default 247k 0.974 / 0.794 / 0.875 and 0.983 / 0.774 / 0.866 (more merged
before, at a lower precision). `bench.reviewed` has the figures of the model as it is.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from i18n import N_, MessageError
from matching.comparisons import COMPARISON, COMPARISONS, LEVELS_MEANING
from matching.model import log2_odds
from matching.scoring import SHARED_BY_HOUSEHOLDS, household_evidence_counts

FS_FEATURE = "fs_log_odds"
"""The Fellegi-Sunter model's natural log-odds of the pair, as the population scores it."""
HOUSEHOLD_FEATURE = "household_support"
SIBLING_FEATURE = "sibling"
REGULARISATION_C = 1.0
"""Inverse strength of the L2 penalty: keeps levels seen in a handful of decisions near zero."""
MIN_DECISIONS = 100
MIN_PER_CLASS = 20
"""Confirmed and rejected decisions each needed: fewer leave a held-out set too small to judge."""
LN2 = math.log(2.0)


class NotEnoughDecisions(MessageError, ValueError):
    """The decisions cannot train and fairly judge a model (too few, or one kind only)."""


TOO_FEW = N_("{count} decisions; at least {needed} are needed to train a model")


class Evidence(Protocol):
    """What a decided or scored pair offers the model (`matching.scoring.Scores` does)."""

    levels: np.ndarray
    household: np.ndarray
    sibling: np.ndarray
    probability: np.ndarray
    """The Fellegi-Sunter probability."""


def feature_names() -> list[str]:
    """The FS log-odds, `comparison=level` for every level but `missing`, then household
    support and sibling."""
    names = [f"{c.name}={level}" for c in COMPARISONS for level in c.levels[1:]]
    return [FS_FEATURE, *names, HOUSEHOLD_FEATURE, SIBLING_FEATURE]


_PAIR_FEATURE_WORDS = {
    FS_FEATURE: ("les champs, pesés par le modèle", "the fields, as the model weighs them"),
    HOUSEHOLD_FEATURE: ("membres des deux dossiers", "members of both cases"),
    SIBLING_FEATURE: ("frère ou sœur probable", "likely brother or sister"),
}


def feature_words(name: str) -> tuple[str, str]:
    """A feature in French and English, from the comparison's own words: `prénom : même
    prénom` / `given names: same given name`."""
    if name in _PAIR_FEATURE_WORDS:
        return _PAIR_FEATURE_WORDS[name]
    field, level = name.split("=")
    comparison = COMPARISON[field]
    fr, en = comparison.words[comparison.index(level)]
    return f"{comparison.label[0]} : {fr}", f"{comparison.label[1]}: {en}"


def _check_levels(levels: np.ndarray) -> np.ndarray:
    levels = np.asarray(levels)
    if levels.ndim != 2 or levels.shape[1] != len(COMPARISONS):
        raise ValueError(f"levels must have shape (pairs, {len(COMPARISONS)}), got {levels.shape}")
    for k, comparison in enumerate(COMPARISONS):
        column = levels[:, k]
        if column.size and (column.min() < 0 or column.max() >= len(comparison.levels)):
            raise ValueError(f"a level of {comparison.name} is out of range")
    return levels.astype(np.int64, copy=False)


def fs_log_odds(probability: np.ndarray) -> np.ndarray:
    """Natural log-odds of FS probabilities (finite: `model.log2_odds`)."""
    return log2_odds(probability) * LN2


def features(pairs: Evidence) -> np.ndarray:
    """The feature matrix of pairs, columns in `feature_names()` order."""
    levels = _check_levels(pairs.levels)
    household = np.asarray(pairs.household, dtype=float).reshape(-1)
    sibling = np.asarray(pairs.sibling, dtype=bool).reshape(-1)
    odds = fs_log_odds(pairs.probability)
    if not len(household) == len(sibling) == len(levels) == len(odds):
        raise ValueError("levels, household, sibling and probability must describe the same pairs")
    blocks = [odds[:, None]]
    counts = household_evidence_counts(levels)
    for k, comparison in enumerate(COMPARISONS):
        # Column j stands for level j + 1; `missing` (0) matches no column.
        block = levels[:, k, None] == np.arange(1, len(comparison.levels))
        if comparison.name in SHARED_BY_HOUSEHOLDS:
            # As in the Fellegi-Sunter weights: a household's number agreeing says nothing
            # of the person unless the given names agree and the births do not differ.
            block[:, comparison.index("same") - 1] &= counts
        blocks.append(block)
    blocks.append(household[:, None])
    blocks.append(sibling[:, None])
    return np.hstack(blocks).astype(float)


def penalised_fit(
    x: np.ndarray, y: np.ndarray, centre: np.ndarray, c: float = REGULARISATION_C
) -> tuple[float, np.ndarray]:
    """Intercept and coefficients of a logistic regression whose L2 penalty pulls each
    coefficient towards `centre`, not zero: scikit-learn's objective (`C` times the log
    loss, plus half the squared distance of the coefficients; the intercept free) with
    the FS log-odds' coefficient pulled towards 1. The decisions move it only as far as
    they show the FS model over- or under-confident. Reviewers working the queue most
    uncertain first decide pairs whose FS log-odds are all near 0, and the FS log-odds are
    made of the levels' weights: pulled towards zero, as by scikit-learn, such a set
    credited the levels and dropped the FS model (coefficient -0.227 at 247k records,
    default profile), and the model merged namesakes; pulled towards 1, 0.241 on the same
    decisions. Every decision weighs the same, so a predicted probability is the share of
    such pairs reviewers confirmed. Raises `ValueError` on features that are not finite
    or a fit that did not converge. scipy is imported here: predicting needs only numpy."""
    from scipy.optimize import minimize
    from scipy.special import expit

    if not np.isfinite(x).all():
        raise ValueError("the decided pairs' features hold values that are not finite")
    target = y.astype(float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        intercept, w = theta[0], theta[1:]
        z = x @ w + intercept
        error = expit(z) - target
        away = w - centre
        value = c * float(np.sum(np.logaddexp(0.0, z) - target * z)) + 0.5 * float(away @ away)
        gradient = np.concatenate(([c * error.sum()], c * (x.T @ error) + away))
        return value, gradient

    start = np.concatenate(([0.0], centre))
    found = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    stalled = found.status != 0 and np.abs(found.jac).max() > 1e-3 * max(1.0, len(y) * c)
    if found.status == 1 or stalled or not np.isfinite(found.x).all():
        raise ValueError(f"the learned model's fit did not converge: {found.message}")
    theta = np.array([float(f"{v:.12g}") for v in found.x])
    return float(theta[0]), theta[1:]


def fs_centre() -> np.ndarray:
    """Where the penalty pulls each coefficient: the FS log-odds' to 1, the corrections'
    to 0 (the FS model as it is, until decisions show otherwise)."""
    centre = np.zeros(len(feature_names()))
    centre[0] = 1.0
    return centre


def _version(
    intercept: float, coefficients: dict[str, float], threshold: float, corrects: str
) -> str:
    """`learned-<digest>` of what decides a prediction, so equal models share a version."""
    document = {"intercept": intercept, "coefficients": coefficients, "threshold": threshold}
    if corrects:
        document["corrects"] = corrects
    text = json.dumps(document, sort_keys=True)
    return "learned-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class LearnedModel:
    """A fitted logistic regression as data.

    `predict` gives the probability that reviewers would confirm the pair, as learned
    from the pairs they decided (those the FS model put at or above review), to compare
    with `threshold`.
    """

    intercept: float
    coefficients: dict[str, float]
    threshold: float
    decisions: int
    """How many decisions the model was fitted on."""
    version: str
    corrects: str = ""
    """The version of the Fellegi-Sunter model whose log-odds and level weights it corrects:
    beside another FS model (refitted by a relink) its corrections mean nothing."""

    @classmethod
    def of(
        cls,
        intercept: float,
        weights: np.ndarray,
        *,
        decisions: int,
        threshold: float = 0.5,
        corrects: str = "",
    ) -> LearnedModel:
        """A model of a fit's intercept and coefficients, in `feature_names()` order."""
        coefficients = dict(zip(feature_names(), map(float, weights), strict=True))
        return cls(
            intercept=intercept,
            coefficients=coefficients,
            threshold=threshold,
            decisions=decisions,
            version=_version(intercept, coefficients, threshold, corrects),
            corrects=corrects,
        )

    def _weights(self) -> np.ndarray:
        return np.asarray([self.coefficients[name] for name in feature_names()], dtype=float)

    def log_odds(self, pairs: Evidence) -> np.ndarray:
        """Natural log-odds of a match, per pair."""
        return features(pairs) @ self._weights() + self.intercept

    def predict(self, pairs: Evidence) -> np.ndarray:
        """Probability of a match, per pair (the logistic function of `log_odds`)."""
        return self.predict_features(features(pairs))

    def predict_features(self, x: np.ndarray) -> np.ndarray:
        """`predict` of pairs whose `features` are already worked out."""
        return 1.0 / (1.0 + np.exp(-(x @ self._weights() + self.intercept)))

    def explain(self, pairs: Evidence) -> list[tuple[str, float]]:
        """Why the first of `pairs` scores as it does: the features that weigh, largest first.

        Each weight is coefficient x feature value in log2 odds, as in the
        FS reasons (+1 doubles the odds of a match, -1 halves them). They
        add up, with `intercept / ln 2`, to the pair's log2 odds; `fs_log_odds`
        is the FS model's own weighing of the fields, as far as the decisions trust it.
        """
        row = features(pairs)[0]
        parts = row * self._weights() / LN2
        reasons = [(name, float(w)) for name, w in zip(feature_names(), parts, strict=True) if w]
        return sorted(reasons, key=lambda reason: -abs(reason[1]))

    def lessons(self, count: int = 6) -> list[tuple[str, float]]:
        """What the decisions taught beyond the FS model: the `count` level corrections
        that weigh most, in log2 odds (+1 doubles the odds of a match)."""
        corrections = [(n, w / LN2) for n, w in self.coefficients.items() if n != FS_FEATURE]
        return sorted(corrections, key=lambda item: -abs(item[1]))[:count]

    def to_json(self) -> str:
        document = {
            "version": self.version,
            "kind": "logistic_regression",
            "levels": LEVELS_MEANING,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "decisions": self.decisions,
            "corrects": self.corrects,
            "coefficients": self.coefficients,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LearnedModel:
        """Read a model; refuse one whose features, levels' meaning (`LEVELS_MEANING`) or
        version do not fit this code, or that does not say which FS model it corrects."""
        document = json.loads(text)
        if document.get("levels") != LEVELS_MEANING:
            raise ValueError("learned model fitted on comparison levels of another meaning")
        coefficients = {k: float(v) for k, v in document["coefficients"].items()}
        if sorted(coefficients) != sorted(feature_names()):
            raise ValueError("learned model features differ from the code's")
        coefficients = {name: coefficients[name] for name in feature_names()}
        intercept, threshold = float(document["intercept"]), float(document["threshold"])
        corrects = str(document["corrects"])
        version = _version(intercept, coefficients, threshold, corrects)
        if document["version"] != version:
            raise ValueError(
                f"learned model version {document['version']} does not match its "
                f"coefficients ({version})"
            )
        decisions = int(document["decisions"])
        return cls(intercept, coefficients, threshold, decisions, version, corrects)


def fit(
    pairs: Evidence, labels: np.ndarray, *, threshold: float = 0.5, corrects: str = ""
) -> LearnedModel:
    """Fit on all the given decisions (`labels` True for a confirmed match); `corrects`
    names the FS model whose probabilities the pairs carry."""
    x = features(pairs)
    y = check_labels(labels, len(x))
    intercept, weights = penalised_fit(x, y, fs_centre())
    return LearnedModel.of(
        intercept, weights, decisions=len(y), threshold=threshold, corrects=corrects
    )


def check_labels(labels: np.ndarray, pairs: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (pairs,):
        raise ValueError(f"expected {pairs} labels, got shape {labels.shape}")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be True (match) or False (non-match)")
    return labels.astype(bool)
