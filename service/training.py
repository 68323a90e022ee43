"""`nrm model train`: learn from reviewers' decisions, switch only to a better model."""

from __future__ import annotations

from typing import Any

import numpy as np

from matching import learned as learning
from models.review import SuggestionStatus
from models.store import Store
from service.context import ADMIN, Actor, UseCases
from service.registry import active_learned, active_model, model_version
from service.scoring import score_pairs

TRAIN = frozenset({ADMIN})


def train_model(
    store: Store,
    *,
    seed: int = 0,
    holdout: float = 0.25,
    min_decisions: int = learning.MIN_DECISIONS,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Fit a model on the comparison vectors of decided pairs and compare it, on held-out
    decisions, with the model in use; make it active only when its F1 is higher.

    Raises `matching.learned.NotEnoughDecisions` when there are too few decisions.
    """
    decided = store.decided_pairs()
    if len(decided) < min_decisions:
        raise learning.NotEnoughDecisions(
            learning.TOO_FEW, count=len(decided), needed=min_decisions
        )
    ids = {i for d in decided for i in (d["record_a"], d["record_b"])}
    records = store.records_by_ids(ids)
    model = active_model(store)
    current = active_learned(store)
    pairs = [(d["record_a"], d["record_b"]) for d in decided]
    _, _, _, scores = score_pairs(records, pairs, model, store.estimated_record_count())
    labels = np.array([d["status"] == SuggestionStatus.CONFIRMED for d in decided])
    if current is not None:
        current_probability = current.predict(scores)
        current_threshold = current.threshold
    else:
        current_probability = scores.probability
        current_threshold = model.match_threshold
    report = learning.train(
        scores,
        labels,
        current_probability,
        holdout=holdout,
        seed=seed,
        min_decisions=min_decisions,
        current_threshold=current_threshold,
        learned_threshold=model.match_threshold,
    )
    switched = report.better and not dry_run
    if switched:
        store.save_model(report.model.version, report.model.to_json(), kind="learned")
    summary = report.to_dict()
    summary.pop("model", None)
    return {
        **summary,
        "current_model": model_version(model, current),
        "new_model": model_version(model, report.model),
        "switched": switched,
    }


class Training(UseCases):
    def export_model(self, actor: Actor) -> str:
        """The Fellegi-Sunter model in use as readable JSON: each comparison's levels
        with their m and u, the prior (matches per record) and the thresholds."""
        actor.require(TRAIN)
        self.audit(actor, "model_export", "model", ())
        return active_model(self.store).to_json()

    def train_model(
        self,
        actor: Actor,
        *,
        seed: int = 0,
        holdout: float = 0.25,
        min_decisions: int = learning.MIN_DECISIONS,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        actor.require(TRAIN)
        report = train_model(
            self.store, seed=seed, holdout=holdout, min_decisions=min_decisions, dry_run=dry_run
        )
        self.audit(
            actor,
            "model_train",
            "model",
            (),
            new_model=report.get("new_model"),
            switched=report.get("switched"),
            dry_run=dry_run,
        )
        return report
