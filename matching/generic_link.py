"""Linking records that carry generic fields beside names and birth dates.

The same stages as :mod:`matching.pipeline`, on the Malian name and birth
comparisons plus the declared generic fields (:mod:`matching.generic`):
columns → blocking (the Malian keys and the generic fields' keys) → levels →
model (u from random pairs, m by EM sessions each on pairs that agree on one
field) → scores → clusters under constraints. Records of one `source` (a file
without duplicates of its own) never pair nor join one entity, so two such
files are linked one-to-one; without sources the records are deduplicated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np

from matching.blocking import candidate_pairs
from matching.cluster import ClusterResult, cluster
from matching.columns import Columns, build_columns
from matching.compare.pairs import _by_unique_values, compare_pairs
from matching.comparisons import COMPARISON_NAMES, COMPARISONS, Comparison
from matching.fitting import U_SAMPLE, random_pairs
from matching.frequencies import TF_CLIP, value_shares
from matching.generic import PRIOR_M, PRIOR_U, FieldColumn, GenericField, field_columns
from matching.generic import blocking_keys as generic_keys
from matching.generic import field_level as generic_level
from matching.model import (
    PROBABILITY_FLOOR,
    FSModel,
    em_session,
    estimate_u,
    probability_from_log2_odds,
)
from matching.record_keys import all_record_keys
from matching.values import Vocabulary

BASE_COMPARISONS = ("family_name", "given_names", "birth")
"""The Malian comparisons that any person record can fill."""
MATCH_THRESHOLD = 0.9
TF_PSEUDO_RECORDS = 50


@dataclass
class GenericModel:
    comparisons: tuple[Comparison, ...]
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    matches_per_record: float = 0.5
    match_threshold: float = MATCH_THRESHOLD
    notes: dict[str, Any] = field(default_factory=dict)

    def weight_table(self) -> list[np.ndarray]:
        """log2(m/u) per level of each comparison; the `missing` level weighs nothing."""
        table = []
        for comparison in self.comparisons:
            m = np.maximum(np.asarray(self.m[comparison.name], dtype=float), PROBABILITY_FLOOR)
            u = np.maximum(np.asarray(self.u[comparison.name], dtype=float), PROBABILITY_FLOOR)
            weights = np.log2(m / u)
            weights[comparison.missing] = 0.0
            table.append(weights)
        return table

    def prior_log2_odds(self, population: int) -> float:
        prior = min(self.matches_per_record / max(population - 1, 1), 0.5)
        return float(np.log2(prior / (1 - prior)))


def prior_model(fields: Sequence[GenericField]) -> GenericModel:
    """The declared m and u: the Malian ones for names and birth, the kinds' for the rest."""
    malian = FSModel()
    base = tuple(COMPARISONS[COMPARISON_NAMES.index(name)] for name in BASE_COMPARISONS)
    m = {name: list(malian.m[name]) for name in BASE_COMPARISONS}
    u = {name: list(malian.u[name]) for name in BASE_COMPARISONS}
    for spec in fields:
        m[spec.name] = list(PRIOR_M[spec.kind])
        u[spec.name] = list(PRIOR_U[spec.kind])
    return GenericModel(base + tuple(spec.comparison for spec in fields), m, u)


@dataclass
class Prepared:
    columns: Columns
    fields: list[FieldColumn]

    def __len__(self) -> int:
        return len(self.columns)


def prepare(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[GenericField],
    id_field: str = "id",
    source_field: str | None = None,
) -> Prepared:
    columns = build_columns(records, id_field)
    if source_field is not None:
        sources = Vocabulary()
        case = [sources.code(record.get(source_field)) for record in records]
        columns = replace(columns, case=np.asarray(case, dtype=np.int32))
    return Prepared(columns, field_columns(records, fields))


def compare(prepared: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Levels of pairs: the base comparisons, then the generic fields, in model order."""
    malian = compare_pairs(prepared.columns, a, b)
    levels = [malian[:, COMPARISON_NAMES.index(name)] for name in BASE_COMPARISONS]
    for column in prepared.fields:
        codes = {level: k for k, level in enumerate(column.field.comparison.levels)}
        level_of = partial(generic_level, column.field.kind)
        levels.append(_by_unique_values(column.codes, column.values, a, b, level_of, codes))
    return np.stack(levels, axis=1).astype(np.int8)


def fit(
    prepared: Prepared, levels: np.ndarray, blocked: int, model: GenericModel, seed: int = 7
) -> GenericModel:
    """u from random pairs; m from one EM session per field, on the pairs where it agrees.

    A session learns the m of every other comparison (the selecting field agrees by
    construction there); an m learned in several sessions is their mean. The prior
    comes from the share of matches among all blocked pairs.
    """
    n = len(prepared)
    if n < 50 or blocked < 50:
        return replace(model, notes={"fitted": False, "reason": "too few records or pairs"})
    ra, rb = random_pairs(n, min(U_SAMPLE, n * 20), seed)
    u = estimate_u(compare(prepared, ra, rb), model.comparisons)
    model = replace(model, u=u)
    names = tuple(c.name for c in model.comparisons)
    prior_m = {c.name: model.m[c.name] for c in model.comparisons}
    learned: dict[str, list[np.ndarray]] = {name: [] for name in names}
    sessions: dict[str, Any] = {}
    for k, name in enumerate(names):
        rows = np.flatnonzero(levels[:, k] == 1)
        if len(rows) < 20:
            continue
        others = tuple(other for other in names if other != name)
        m, share, _ = em_session(
            model, levels[rows], others, comparisons=model.comparisons, prior_m=prior_m
        )
        sessions[name] = {"pairs": len(rows), "match_share": round(share, 4)}
        for other in others:
            learned[other].append(np.asarray(m[other]))
    m = {
        name: [float(x) for x in np.mean(learned[name], axis=0)] if learned[name] else model.m[name]
        for name in names
    }
    model = replace(model, m=m)
    _, share, _ = em_session(
        model, levels, names, learn_m=False, comparisons=model.comparisons, prior_m=prior_m
    )
    per_record = float(2 * share * blocked / n)
    notes = {"fitted": True, "sessions": sessions, "blocked_match_share": round(share, 4)}
    return replace(model, matches_per_record=per_record, notes=notes)


def term_frequency(
    prepared: Prepared, a: np.ndarray, b: np.ndarray, levels: np.ndarray, model: GenericModel
) -> np.ndarray:
    """log2(u_exact / share of the value) for exact agreements of fields declared `tf`."""
    adjust = np.zeros(levels.shape, dtype=float)
    offset = len(BASE_COMPARISONS)
    for j, column in enumerate(prepared.fields):
        if not column.field.tf:
            continue
        k = offset + j
        u_exact = float(model.u[column.field.name][1])
        share = value_shares(column.codes, None, u_exact, TF_PSEUDO_RECORDS)
        hit = levels[:, k] == 1
        adjust[hit, k] = np.clip(
            np.log2(max(u_exact, 1e-9) / np.maximum(share[a[hit]], 1e-9)), *TF_CLIP
        )
    return adjust


@dataclass
class GenericResult:
    prepared: Prepared
    a: np.ndarray
    b: np.ndarray
    levels: np.ndarray
    probability: np.ndarray
    clusters: ClusterResult
    model: GenericModel

    @property
    def labels(self) -> dict[Any, int]:
        """Entity label per record id."""
        ids = self.prepared.columns.ids
        return dict(zip(ids, self.clusters.labels.tolist(), strict=True))


def candidates(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    base = all_record_keys(prepared.columns)
    extra = generic_keys(prepared.fields, len(prepared))
    keys = [x + y for x, y in zip(base, extra, strict=True)]
    a, b, _ = candidate_pairs(prepared.columns, keys=keys)
    return a, b


def link_generic(
    records: Sequence[Mapping[str, Any]],
    fields: Sequence[GenericField],
    *,
    id_field: str = "id",
    source_field: str | None = None,
    model: GenericModel | None = None,
    fit_model: bool = True,
) -> GenericResult:
    """Deduplicate records (or link sources one-to-one) on names, birth and `fields`."""
    prepared = prepare(records, fields, id_field, source_field)
    a, b = candidates(prepared)
    levels = compare(prepared, a, b)
    model = model or prior_model(fields)
    if fit_model:
        model = fit(prepared, levels, len(a), model)
    parts = np.empty(levels.shape, dtype=float)
    for k, weights in enumerate(model.weight_table()):
        parts[:, k] = weights[levels[:, k]]
    parts += term_frequency(prepared, a, b, levels, model)
    log2_odds = model.prior_log2_odds(len(prepared)) + parts.sum(axis=1)
    probability = probability_from_log2_odds(log2_odds)
    clusters = cluster(
        len(prepared), a, b, probability, model.match_threshold, case=prepared.columns.case
    )
    return GenericResult(prepared, a, b, levels, probability, clusters, model)
