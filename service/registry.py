"""The model registry: which match models are in use (the Fellegi-Sunter model, and the one
learned from reviewers' decisions) and how they re-score pairs."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from matching.learned import LearnedModel
from matching.model import FSModel, default_model
from matching.scoring import Scores
from models.store import Store


def active_model(store: Store) -> FSModel:
    """The stored model, or the declared one when none is stored or the stored one was
    fitted for other comparisons, or another scoring, than this code's (`model_status`
    says which)."""
    return model_in_use(store)[0]


def model_in_use(store: Store) -> tuple[FSModel, bool]:
    """`active_model` and whether a stored model was set aside as stale, from one read."""
    document = store.active_model()
    model = _readable(_fs_model, document)
    return (copy.deepcopy(model) if model else default_model()), bool(document) and not model


def active_learned(store: Store, model: FSModel | None = None) -> LearnedModel | None:
    """The model learned from reviewers' decisions, unless none is stored, it reads other
    features than this code's, or it corrects another Fellegi-Sunter model than `model`
    (by default the one in use: a relink refits it, and trains the learned one again;
    otherwise `nrm model train` does)."""
    learned = _readable(_learned_model, store.active_model(kind="learned"))
    if learned is None:
        return None
    fs = model if model is not None else active_model(store)
    return learned if learned.corrects == fs.version else None


def _readable(read: Callable[[str], Any], document: str | None) -> Any:
    if not document:
        return None
    try:
        return read(document)
    except (ValueError, KeyError, TypeError):
        return None


def model_status(store: Store) -> dict[str, str]:
    """Per kind of model: `stored` (in use), `none` (the declared model serves / no learned
    model) or `stale` (stored, but fitted for another version of the comparisons or of the
    scoring, or, learned, correcting another Fellegi-Sunter model than the one in use: not
    used; the next import links everyone again, which refits the Fellegi-Sunter model, as
    `nrm relink` does; `nrm model train` learns again)."""
    status = {"fs": "none", "learned": "none"}
    if document := store.active_model(kind="fs"):
        status["fs"] = "stored" if _readable(_fs_model, document) is not None else "stale"
    if store.active_model(kind="learned"):
        status["learned"] = "stored" if active_learned(store) is not None else "stale"
    return status


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
            probability[seen] = learned.predict(scores.take(np.flatnonzero(seen)))
        return probability

    return rescore
