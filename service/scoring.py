"""Scoring chosen pairs of records on demand, their reasons, and turning scored pairs into
review suggestions."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from matching.columns import Columns, build_columns
from matching.compare.pairs import compare_pairs
from matching.explain import FieldReason, explain_pair
from matching.learned import LearnedModel
from matching.model import FSModel
from matching.pipeline import pair_bands, rescored
from matching.scoring import Scores, score_levels
from models.queue_sample import in_sample, pair_draw, queue_place, record_digest, uncertainty
from models.records import CaseType, PersonRecord
from models.review import could_be_minor
from models.store import Store
from service.registry import active_learned, active_model, model_version, rescorer


def score_pairs(
    records: Sequence[PersonRecord],
    pairs: Sequence[tuple[uuid.UUID, uuid.UUID]],
    model: FSModel,
    population: int,
) -> tuple[Columns, np.ndarray, np.ndarray, Scores]:
    """Compare chosen pairs of records (no blocking); rows a, b index `records`."""
    return score_row_pairs([r.model_dump() for r in records], pairs, model, population)


def score_row_pairs(
    rows: Sequence[Mapping[str, Any]],
    pairs: Sequence[tuple[uuid.UUID, uuid.UUID]],
    model: FSModel,
    population: int,
) -> tuple[Columns, np.ndarray, np.ndarray, Scores]:
    """`score_pairs` of records read as rows (`id` and the fields `build_columns` codes)."""
    columns = build_columns(rows)
    row_of = {r["id"]: i for i, r in enumerate(rows)}
    a = np.array([row_of[x] for x, _ in pairs], dtype=np.int64)
    b = np.array([row_of[y] for _, y in pairs], dtype=np.int64)
    levels = compare_pairs(columns, a, b)
    scores = score_levels(columns, a, b, levels, model, population=max(population, 2))
    return columns, a, b, scores


def reasons_of(
    columns: Columns, a: int, b: int, scores: Scores, k: int, minimal: bool = False
) -> list[dict[str, Any]]:
    """The stored reasons of pair k: field, level, weight, French and English words
    (`minimal`: for an answer to someone who sees the records minimally)."""
    return [
        stored_reason(r)
        for r in explain_pair(
            columns,
            a,
            b,
            scores.levels[k],
            scores.contributions[k],
            float(scores.household[k]),
            bool(scores.sibling[k]),
            int(scores.held[k]),
            minimal,
            0.0 if scores.learned is None else float(scores.learned[k]),
        )
    ]


def stored_reason(reason: FieldReason) -> dict[str, Any]:
    """A reason as a pair or a suggestion stores it."""
    return {
        "field": reason.field,
        "level": reason.level,
        "weight": round(reason.weight, 2),
        "fr": reason.fr,
        "en": reason.en,
    }


def suggestion_row(
    pair: Mapping[str, Any],
    record_a: Mapping[str, Any],
    record_b: Mapping[str, Any],
    queued: bool = True,
    four_eyes: bool = False,
) -> dict[str, Any]:
    """The stored suggestion for a scored pair `{record_a, record_b, probability, ...}`.

    Queue group 0 (first) holds pairs that involve a possible child or a tracing request;
    within a group a pair stands by its uncertainty, or at a random place when it is one of
    the queue's random share (`models.queue_sample`). A record names itself by its `source`
    and `record_id`, or by their `digest` (`record_digest`) where that is all that was kept.
    A pair a reviewer chose (`queued` False: a direct link) is never of the random share:
    its decision says nothing of the queue.

    The pair involves a minor when either record may be a child's, or when the caller
    knows that a merge would join a person needing two reviewers (`four_eyes`: a record of
    either person may be a child's, or none tells a person's age; a relink reads it off
    the persons it makes, `relinking._Kept.four_eyes`; an import marks it once its records
    have joined their persons, `LinkTx.mark_minor_persons`).
    """
    minor = four_eyes or could_be_minor(dict(record_a)) or could_be_minor(dict(record_b))
    draw = pair_draw(_digest(record_a), _digest(record_b)) if queued else None
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
        "queue_group": 0 if minor or tracing else 1,
        "uncertainty": (
            uncertainty(float(pair["probability"]))
            if draw is None
            else queue_place(float(pair["probability"]), draw)
        ),
        "sampled": draw is not None and in_sample(draw),
        "involves_minor": minor,
        "tracing_request": tracing,
        "case_type_a": record_a.get("case_type"),
        "case_type_b": record_b.get("case_type"),
        "source_a": record_a["source"],
        "source_b": record_b["source"],
    }


def _digest(record: Mapping[str, Any]) -> int:
    if "digest" in record:
        return int(record["digest"])
    return record_digest(record["source"], record["record_id"])


def suggestion_rows(
    pairs: Sequence[Mapping[str, Any]], records: Mapping[uuid.UUID, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Suggestions for the pairs in the `review` band."""
    return [
        suggestion_row(p, records[p["record_a"]], records[p["record_b"]])
        for p in pairs
        if p["band"] == "review"
    ]


def score_pair(
    a: PersonRecord,
    b: PersonRecord,
    model: FSModel,
    population: int,
    learned: LearnedModel | None = None,
) -> dict[str, Any]:
    """Compare two chosen records (no blocking): probability, band, reasons per field; with
    the model learned from reviewers' decisions where there is one, as linking scores."""
    first, second = sorted((a, b), key=lambda r: str(r.id))
    columns, rows_a, rows_b, scores = score_pairs(
        [first, second], [(first.id, second.id)], model, population
    )
    rescore = rescorer(model, learned)
    if rescore is not None:
        scores = rescored(scores, rescore, model)
    return {
        "record_a": first.id,
        "record_b": second.id,
        "probability": float(scores.probability[0]),
        "band": str(pair_bands(model, scores)[0]),
        "model_version": model_version(model, learned),
        "reasons": reasons_of(columns, int(rows_a[0]), int(rows_b[0]), scores, 0),
    }


def rescore_unsettled(store: Store, suggestion_ids: Sequence[uuid.UUID]) -> int:
    """Score again the pairs a reviewer began to decide (a child's merge awaiting its
    second reviewer, one a reviewer was unsure of) that a linkage run no longer found
    uncertain: the second reviewer reads the pair as the records and the model are now,
    not as they were at the first confirmation; and mark them for two reviewers where
    their persons, as the run left them, ask for it (`Store.mark_minor_persons`). How
    many were scored again."""
    if not suggestion_ids:
        return 0
    model = active_model(store)
    learned = active_learned(store, model)
    population = store.estimated_record_count()
    rows = []
    records: set[uuid.UUID] = set()
    for suggestion_id in suggestion_ids:
        suggestion = store.get_suggestion(suggestion_id)
        first = store.get_record(suggestion["record_a"]) if suggestion else None
        second = store.get_record(suggestion["record_b"]) if suggestion else None
        if first is None or second is None:
            continue
        records |= {first.id, second.id}
        scored = score_pair(first, second, model, population, learned)
        rows.append(
            {
                "sid": suggestion_id,
                "probability": scored["probability"],
                "reasons": scored["reasons"],
                "model_version": scored["model_version"],
            }
        )
    rescored_count = store.rescore_unsettled(rows)
    store.mark_minor_persons(records)
    return rescored_count
