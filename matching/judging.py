"""Judging a model learned from reviewers' decisions against the one in use, on decisions
it was not fitted on: the queue's random share (`models.queue_sample`) when it holds
enough of them, else a held-out split; and recalibrating it on that share."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from i18n import Message
from matching.guards import LEARNED_SURE
from matching.learned import (
    MIN_DECISIONS,
    MIN_PER_CLASS,
    TOO_FEW,
    Evidence,
    LearnedModel,
    NotEnoughDecisions,
    check_labels,
    features,
    fs_centre,
    penalised_fit,
)


@dataclass(frozen=True)
class Metrics:
    """How well a model's match / non-match calls agree with reviewers' decisions."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int


def metrics(predicted: np.ndarray, labels: np.ndarray) -> Metrics:
    """Precision, recall and F1 of match calls; 0 where nothing was called or confirmed."""
    predicted = np.asarray(predicted, dtype=bool)
    labels = np.asarray(labels, dtype=bool)
    tp = int((predicted & labels).sum())
    fp = int((predicted & ~labels).sum())
    fn = int((~predicted & labels).sum())
    tn = int((~predicted & ~labels).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Metrics(precision, recall, f1, tp, fp, fn, tn)


@dataclass(frozen=True)
class TrainingReport:
    model: LearnedModel
    current: Metrics
    """The current model on the held-out decisions."""
    learned: Metrics
    """The new model on the same held-out decisions."""
    recalibration: dict[str, float]
    """Judged on the queue's random share, the model is then recalibrated on it
    (`recalibrated`): its log odds times `slope` plus `shift` (1 and 0: unchanged)."""
    current_threshold: float
    judged_on: str
    """`sample`: the decisions of the queue's random share (`models.queue_sample`), the
    model fitted on the others; `held_out`: a stratified share of all the decisions."""
    current_log_loss: float
    """The current model's log loss on the judging decisions (lower: its probabilities
    foretell the reviewers' decisions better)."""
    learned_log_loss: float
    train_size: int
    train_positives: int
    train_negatives: int
    holdout_size: int
    holdout_positives: int
    holdout_negatives: int

    @property
    def better(self) -> bool:
        """Judged on the queue's random share: switch only on a strictly lower log loss
        (the pairs there are below the match threshold, where the FS model calls none a
        match and any F1 beats it). On held-out decisions: only on a strictly higher F1.
        On a tie the current model stays."""
        if self.judged_on == "sample":
            return self.learned_log_loss < self.current_log_loss
        return self.learned.f1 > self.current.f1

    def to_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["model"] = json.loads(self.model.to_json())
        document["better"] = self.better
        return document


def _refuse_if_too_few(labels: np.ndarray, min_decisions: int, min_per_class: int) -> None:
    confirmed = int(labels.sum())
    rejected = len(labels) - confirmed
    if len(labels) < min_decisions:
        raise NotEnoughDecisions(TOO_FEW, count=len(labels), needed=min_decisions)
    if confirmed == 0 or rejected == 0:
        kind = Message("confirmed matches") if rejected == 0 else Message("rejections")
        raise NotEnoughDecisions(
            "all {count} decisions are {kind}; a model needs both kinds to learn from",
            count=len(labels),
            kind=kind,
        )
    if min(confirmed, rejected) < min_per_class:
        raise NotEnoughDecisions(
            "{confirmed} confirmed and {rejected} rejected decisions; "
            "at least {needed} of each are needed",
            confirmed=confirmed,
            rejected=rejected,
            needed=min_per_class,
        )


def recalibrated(
    model: LearnedModel, x: np.ndarray, labels: np.ndarray, at: float = LEARNED_SURE
) -> tuple[LearnedModel, float, float]:
    """`model` with its log odds scaled and shifted (Platt) to fit the decisions of the
    queue's random share (their `features` `x`), and the slope and shift found; the slope
    is pulled towards 1 (no change) as the FS coefficient is in `penalised_fit`. The share
    may only take confidence away between the model's match threshold and where it merges
    a pair on its own word (`at`: `guards.LEARNED_SURE`), never add it there: a few
    hundred decisions do not make merges (the line being monotone, no pair below the
    threshold crosses it either).

    Fitted on pairs near 0.5 (the queue's order), a model is over-confident beyond them
    (`bench.reviewed`, mixed profile at 23k records: slope 1.18, shift -0.46; the precision
    of the pairs it merged that nobody reviewed 0.949, recalibrated 0.956, F1 0.544 ->
    0.524; default profile 0.989 -> 0.990, F1 0.890 -> 0.889). At 247k records of the
    mixed profile the share found it under-confident there (slope 0.91, shift +0.43):
    recalibrated all the same (a scratch run, no guard), that precision went from 0.951
    to 0.943, so it stays as fitted. A slope
    that is not positive (the model foretells the share no better than chance) changes
    nothing either."""
    z = x @ model._weights() + model.intercept
    shift, slope = penalised_fit(z.reshape(-1, 1), labels, np.ones(1))
    edges = [math.log(p / (1.0 - p)) for p in (model.threshold, at)]
    if not slope[0] > 0 or any(slope[0] * t + shift > t for t in edges):
        return model, 1.0, 0.0
    weights = np.array([float(f"{v:.12g}") for v in model._weights() * slope[0]])
    intercept = float(f"{model.intercept * slope[0] + shift:.12g}")
    fitted = LearnedModel.of(
        intercept,
        weights,
        decisions=model.decisions,
        threshold=model.threshold,
        corrects=model.corrects,
    )
    return fitted, float(slope[0]), shift


def _cross_recalibrated(
    model: LearnedModel, x: np.ndarray, labels: np.ndarray, folds: int = 5
) -> np.ndarray:
    """Each decision's probability by `model` recalibrated on the other folds of the share
    (stratified, seeded): what the recalibrated model says of decisions it was not
    recalibrated on. (A model in use that was recalibrated on earlier decisions of the
    share is judged partly on those: the comparison leans, if anywhere, towards keeping
    it.)"""
    from sklearn.model_selection import StratifiedKFold

    folds = min(folds, int(labels.sum()), int((~labels).sum()))
    if folds < 2:
        return model.predict_features(x)
    out = np.empty(len(labels))
    split = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for rest, fold in split.split(x, labels):
        out[fold] = recalibrated(model, x[rest], labels[rest])[0].predict_features(x[fold])
    return out


def _can_judge(labels: np.ndarray, sample: np.ndarray, min_per_class: int) -> bool:
    """Whether the sample's decisions can judge a model fitted on the others: each side
    holds at least `min_per_class` of each kind."""
    if sample.shape != labels.shape:
        raise ValueError("sample must say of each decision whether it is of the sample")
    sides = (labels[sample], labels[~sample])
    return all(min(int(s.sum()), int((~s).sum())) >= min_per_class for s in sides)


def train(
    pairs: Evidence,
    labels: np.ndarray,
    current_probability: np.ndarray,
    *,
    holdout: float = 0.25,
    seed: int = 0,
    min_decisions: int = MIN_DECISIONS,
    min_per_class: int = MIN_PER_CLASS,
    current_threshold: float = 0.5,
    learned_threshold: float = 0.5,
    corrects: str = "",
    sample: np.ndarray | None = None,
) -> TrainingReport:
    """Fit a model on part of the decisions and judge it against the current one on the rest.

    The rest is the decisions of the queue's random share (`sample`, True for each of
    them) when it holds at least `min_per_class` confirmed and as many rejected, and the
    others can be trained on; else a stratified, seeded split (`holdout`), so the same
    decisions and seed give the same model and report. The returned model is the one that
    was judged (fitted on the training part only), then, judged on the sample,
    recalibrated on its decisions (`recalibrated`; judged by what it says of each decision
    once recalibrated on the others, `_cross_recalibrated`, or as fitted when it is not
    recalibrated); `corrects` names the FS model whose probabilities the pairs carry.
    Raises `NotEnoughDecisions` when there are too few decisions or only one kind.
    """
    if not 0 < holdout < 1:
        raise ValueError(f"holdout must be a fraction between 0 and 1, got {holdout}")
    x = features(pairs)
    y = check_labels(labels, len(x))
    current_probability = np.asarray(current_probability, dtype=float).reshape(-1)
    if len(current_probability) != len(y):
        raise ValueError("current_probability must give one probability per decision")
    _refuse_if_too_few(y, min_decisions, min_per_class)

    from sklearn.metrics import log_loss
    from sklearn.model_selection import train_test_split

    judged_on = "held_out"
    share = None if sample is None else np.asarray(sample, dtype=bool)
    if share is not None and _can_judge(y, share, min_per_class):
        judged_on = "sample"
        train_index, held_index = np.flatnonzero(~share), np.flatnonzero(share)
    else:
        train_index, held_index = train_test_split(
            np.arange(len(y)), test_size=holdout, stratify=y, random_state=seed
        )
    intercept, weights = penalised_fit(x[train_index], y[train_index], fs_centre())
    model = LearnedModel.of(
        intercept,
        weights,
        decisions=len(train_index),
        threshold=learned_threshold,
        corrects=corrects,
    )
    held_labels = y[held_index]
    learned_probability = model.predict_features(x[held_index])
    held_current = current_probability[held_index]
    slope, shift = 1.0, 0.0
    if judged_on == "sample":
        fitted = model
        model, slope, shift = recalibrated(fitted, x[held_index], held_labels)
        if model is not fitted:
            learned_probability = _cross_recalibrated(fitted, x[held_index], held_labels)
    return TrainingReport(
        model=model,
        recalibration={"slope": round(slope, 4), "shift": round(shift, 4)},
        current=metrics(held_current >= current_threshold, held_labels),
        learned=metrics(learned_probability >= model.threshold, held_labels),
        current_threshold=current_threshold,
        judged_on=judged_on,
        current_log_loss=float(log_loss(held_labels, held_current, labels=[False, True])),
        learned_log_loss=float(log_loss(held_labels, learned_probability, labels=[False, True])),
        train_size=len(train_index),
        train_positives=int(y[train_index].sum()),
        train_negatives=int((~y[train_index]).sum()),
        holdout_size=len(held_index),
        holdout_positives=int(held_labels.sum()),
        holdout_negatives=int((~held_labels).sum()),
    )
