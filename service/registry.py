"""The model registry: which match models are in use (the Fellegi-Sunter model, and the one
learned from reviewers' decisions) and how they re-score pairs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from matching.learned import LearnedModel
from matching.model import FSModel, default_model
from matching.scoring import Scores
from models.store import Store


def active_model(store: Store) -> FSModel:
    document = store.active_model()
    return copy.deepcopy(_fs_model(document)) if document else default_model()


def active_learned(store: Store) -> LearnedModel | None:
    document = store.active_model(kind="learned")
    return _learned_model(document) if document else None


@lru_cache(maxsize=4)
def _fs_model(document: str) -> FSModel:
    return FSModel.from_json(document)


@lru_cache(maxsize=4)
def _learned_model(document: str) -> LearnedModel:
    return LearnedModel.from_json(document)


def model_version(model: FSModel, learned: LearnedModel | None) -> str:
    return f"{model.version}+{learned.version}" if learned else model.version


def rescorer(model: FSModel, learned: LearnedModel | None) -> Callable[[Scores], np.ndarray] | None:
    """Final probabilities with a model learned from reviewers' decisions.

    It was trained on pairs reviewers saw (those the Fellegi-Sunter model put at
    or above the review threshold), so it re-scores those pairs only; a pair the
    FS model finds clearly different stays a non-match.
    """
    if learned is None:
        return None

    def rescore(scores: Scores) -> np.ndarray:
        probability = scores.probability.copy()
        seen = probability >= model.review_threshold
        if seen.any():
            probability[seen] = learned.predict(
                scores.levels[seen], scores.household[seen], scores.sibling[seen]
            )
        return probability

    return rescore
