"""Turning scored pairs into review suggestions, and scoring one pair on demand."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from matching.columns import build_columns
from matching.compare.pairs import compare_pairs
from matching.explain import explain_pair
from matching.learned import LearnedModel
from matching.model import FSModel, default_model
from matching.scoring import Scores, score_levels
from models.records import CaseType, PersonRecord
from models.review import could_be_minor, uncertainty
from models.store import Store


def active_model(store: Store) -> FSModel:
    document = store.active_model()
    return FSModel.from_json(document) if document else default_model()


def active_learned(store: Store) -> LearnedModel | None:
    document = store.active_model(kind="learned")
    return LearnedModel.from_json(document) if document else None


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


def score_pairs(
    records: Sequence[PersonRecord],
    pairs: Sequence[tuple[uuid.UUID, uuid.UUID]],
    model: FSModel,
    population: int,
) -> tuple[np.ndarray, np.ndarray, Scores]:
    """Compare chosen pairs of records (no blocking); rows a, b index `records`."""
    columns = build_columns([r.model_dump() for r in records])
    row_of = {r.id: i for i, r in enumerate(records)}
    a = np.array([row_of[x] for x, _ in pairs], dtype=np.int64)
    b = np.array([row_of[y] for _, y in pairs], dtype=np.int64)
    levels = compare_pairs(columns, a, b)
    return a, b, score_levels(columns, a, b, levels, model, population=max(population, 2))


def suggestion_row(
    pair: Mapping[str, Any], record_a: Mapping[str, Any], record_b: Mapping[str, Any]
) -> dict[str, Any]:
    """The stored suggestion for a scored pair `{record_a, record_b, probability, ...}`.

    Priority 1 goes to pairs that involve a possible child or a tracing request.
    """
    minor = could_be_minor(dict(record_a)) or could_be_minor(dict(record_b))
    tracing = CaseType.TRACING_REQUEST.value in (
        record_a.get("case_type"),
        record_b.get("case_type"),
    )
    return {
        "record_a": pair["record_a"],
        "record_b": pair["record_b"],
        "probability": float(pair["probability"]),
        "model_version": pair["model_version"],
        "reasons": pair["reasons"],
        "priority": int(minor or tracing),
        "uncertainty": uncertainty(float(pair["probability"])),
        "involves_minor": minor,
        "tracing_request": tracing,
        "case_type_a": record_a.get("case_type"),
        "case_type_b": record_b.get("case_type"),
        "source_a": record_a["source"],
        "source_b": record_b["source"],
    }


def suggestion_rows(
    pairs: Sequence[Mapping[str, Any]], records: Mapping[uuid.UUID, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Suggestions for the pairs in the `review` band."""
    return [
        suggestion_row(p, records[p["record_a"]], records[p["record_b"]])
        for p in pairs
        if p["band"] == "review"
    ]


def score_pair(a: PersonRecord, b: PersonRecord, model: FSModel, population: int) -> dict[str, Any]:
    """Compare two chosen records (no blocking): probability, band, reasons per field."""
    first, second = sorted((a, b), key=lambda r: str(r.id))
    columns = build_columns([first.model_dump(), second.model_dump()])
    rows_a, rows_b = np.array([0]), np.array([1])
    levels = compare_pairs(columns, rows_a, rows_b)
    scores = score_levels(columns, rows_a, rows_b, levels, model, population=max(population, 2))
    probability = float(scores.probability[0])
    reasons = explain_pair(
        columns,
        0,
        1,
        scores.levels[0],
        scores.contributions[0],
        float(scores.household[0]),
        bool(scores.sibling[0]),
    )
    return {
        "record_a": first.id,
        "record_b": second.id,
        "probability": probability,
        "band": model.band(probability),
        "model_version": model.version,
        "reasons": [
            {
                "field": r.field,
                "level": r.level,
                "weight": round(r.weight, 2),
                "fr": r.fr,
                "en": r.en,
            }
            for r in reasons
        ],
        "levels": scores.levels[0],
        "household": float(scores.household[0]),
        "sibling": bool(scores.sibling[0]),
    }
