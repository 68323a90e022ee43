"""`nrm model train`: learn from reviewers' decisions, switch only to a better model."""

from __future__ import annotations

import json
import uuid
from typing import Any

import numpy as np

from matching import judging
from matching import learned as learning
from matching.model import FSModel
from matching.scoring import Scores
from models.review import SuggestionStatus
from models.store import Store
from service.context import ADMIN, Actor, UseCases
from service.pairs import MATCH_FIELDS
from service.registry import active_learned, active_model, model_version
from service.scoring import score_row_pairs

TRAIN = frozenset({ADMIN})


def decided_scores(store: Store, decided: list[dict[str, Any]], model: FSModel) -> Scores:
    """The decided pairs scored as linking scores them. Household support, inside the FS
    log-odds the learned model reads, counts the matches between the other members of a
    pair's two cases: those members are read and every pair across the two cases is
    scored beside it (linking scores those blocking found, most of them)."""
    ids = {i for d in decided for i in (d["record_a"], d["record_b"])}
    records = {r.id: r for r in store.records_by_ids(ids)}
    cases = {(r.source, r.case_id) for r in records.values() if r.case_id}
    members: dict[tuple[str, str], list[uuid.UUID]] = {}
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    for row in store.records_of_cases(cases, MATCH_FIELDS):
        members.setdefault((row["source"], row["case_id"]), []).append(row["id"])
        rows[row["id"]] = row
    for record in records.values():
        rows.setdefault(record.id, {f: getattr(record, f) for f in MATCH_FIELDS})

    def case_of(record_id: uuid.UUID) -> list[uuid.UUID]:
        record = records[record_id]
        return members.get((record.source, record.case_id), [record_id])

    def pair(x: uuid.UUID, y: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
        """One orientation per pair: scored twice, a pair would support its cases twice."""
        return (x, y) if str(x) < str(y) else (y, x)

    decided_pairs = [pair(d["record_a"], d["record_b"]) for d in decided]
    pairs = list(decided_pairs)
    for a, b in decided_pairs:
        pairs.extend(pair(x, y) for x in case_of(a) for y in case_of(b) if x != y)
    pairs = list(dict.fromkeys(pairs))
    position = {p: k for k, p in enumerate(pairs)}
    population = store.estimated_record_count()
    _, _, _, scores = score_row_pairs(list(rows.values()), pairs, model, population)
    return scores.take(np.array([position[pair] for pair in decided_pairs], dtype=np.int64))


def train_model(
    store: Store,
    *,
    seed: int = 0,
    holdout: float = 0.25,
    min_decisions: int = learning.MIN_DECISIONS,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Fit a model on the comparison vectors of decided pairs and compare it, on held-out
    decisions, with the model in use; make it active only when it is better
    (`matching.judging.TrainingReport.better`: on the decisions of the queue's random share
    when there are enough, a lower log loss; else a higher F1 on a held-out split).

    Raises `matching.learned.NotEnoughDecisions` when there are too few decisions.
    """
    model = active_model(store)
    current = active_learned(store, model)
    report = _train(store, model, current, seed, holdout, min_decisions)
    switched = report.better and not dry_run
    if switched:
        store.save_model(report.model.version, report.model.to_json(), kind="learned")
    summary = report.to_dict()
    summary.pop("model", None)
    lessons = []
    for name, weight in report.model.lessons():
        fr, en = learning.feature_words(name)
        lessons.append({"feature": name, "weight": round(weight, 2), "fr": fr, "en": en})
    return {
        **summary,
        "fs_weight": round(report.model.coefficients[learning.FS_FEATURE], 3),
        "lessons": lessons,
        "current_model": model_version(model, current),
        "new_model": model_version(model, report.model),
        "switched": switched,
    }


def learned_for(store: Store, model: FSModel) -> tuple[learning.LearnedModel | None, str]:
    """The learned model that corrects `model`, a Fellegi-Sunter model just fitted by a
    relink, and what became of the stored one: `kept` when it corrects that very model;
    else, when one is stored, one trained again on the same decisions (as `nrm model
    train` trains, seed 0, with as few decisions as the stored one was trained on)
    against it: `trained_again` if it beats `model` alone on the held-out decisions,
    `set_aside` if not, `too_few` when the decisions left (some reverted) are too few to
    train on. `none` when no learned model is stored. Nothing is saved: the relink saves a
    new one with the FS model it corrects (`Store.save_models`), once its keys are written;
    one set aside stays stored, stale (`model_status`)."""
    document = store.active_model(kind="learned")
    if not document:
        return None, "none"
    stored = active_learned(store, model)
    if stored is not None:
        return stored, "kept"
    try:
        report = _train(store, model, None, 0, 0.25, _trained_on(document))
    except learning.NotEnoughDecisions:
        return None, "too_few"
    return (report.model, "trained_again") if report.better else (None, "set_aside")


def learned_outcome(linked: dict[str, Any]) -> dict[str, Any]:
    """What a link of the whole population did with the learned model (`learned`,
    `learned_model`), as its audit row records it; empty when there was none."""
    return {key: linked[key] for key in ("learned", "learned_model") if key in linked}


def _trained_on(document: str) -> int:
    """The fewest decisions to train again on: the stored model's own count (it was fitted
    on three quarters of them), never fewer than a held-out set can judge."""
    try:
        fitted_on = int(json.loads(document)["decisions"])
    except (ValueError, KeyError, TypeError):
        return learning.MIN_DECISIONS
    return min(learning.MIN_DECISIONS, max(fitted_on * 4 // 3, 2 * learning.MIN_PER_CLASS))


def _train(
    store: Store,
    model: FSModel,
    current: learning.LearnedModel | None,
    seed: int,
    holdout: float,
    min_decisions: int,
) -> judging.TrainingReport:
    decided = store.decided_pairs()
    if len(decided) < min_decisions:
        raise learning.NotEnoughDecisions(
            learning.TOO_FEW, count=len(decided), needed=min_decisions
        )
    scores = decided_scores(store, decided, model)
    labels = np.array([d["status"] == SuggestionStatus.CONFIRMED for d in decided])
    sample = np.array([bool(d["sampled"]) for d in decided], dtype=bool)
    if current is not None:
        current_probability = current.predict(scores)
        current_threshold = current.threshold
    else:
        current_probability = scores.probability
        current_threshold = model.match_threshold
    return judging.train(
        scores,
        labels,
        current_probability,
        holdout=holdout,
        seed=seed,
        min_decisions=min_decisions,
        current_threshold=current_threshold,
        learned_threshold=model.match_threshold,
        corrects=model.version,
        sample=sample,
    )


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
