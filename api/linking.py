"""Linking use cases: file to file (`nrm link`), stored records after an import, and search.

All three call the same matching pipeline (`matching.pipeline`), so batch and
incremental matching share normalisers, keys, comparisons and model.
"""

from __future__ import annotations

import csv
import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from api.memory import collector_paused
from api.progress import Stages
from api.suggestions import (
    active_learned,
    active_model,
    model_version,
    reasons_of,
    rescorer,
    suggestion_rows,
)
from matching.blocking import all_record_keys, block_cap
from matching.cluster import SETTLED, cluster, members
from matching.columns import COLUMN_FIELDS, build_columns
from matching.guards import Traits
from matching.model import FSModel, default_model
from matching.names import parse_name
from matching.pipeline import link, match_new
from matching.scoring import Scores
from models.recordfile import RecordFileError
from models.store import Store
from models.store.linking import LinkTx
from models.validation import validated_rows

ENTITY_NAMESPACE = uuid.UUID("6f1c1d1e-8f0e-4d8a-9b7e-2a1f5e0c4b11")
FULL_RELINK_SHARE = 0.5
MATCH_FIELDS = ("id", "entity_id", "record_id", "case_type", "role", *COLUMN_FIELDS)
"""The stored fields incremental matching reads: what `build_columns` codes
(`COLUMN_FIELDS`, ids and roles), what a suggestion row copies (`suggestion_row`)
and the entity (a test keeps this list honest)."""


class LinkInputError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def stable_entity_id(members: Iterable[str]) -> uuid.UUID:
    """The same members always give the same entity id."""
    return uuid.uuid5(ENTITY_NAMESPACE, "\x1f".join(sorted(members)))


def stable_entity_text(members: Iterable[str]) -> str:
    """`str(stable_entity_id(members))`, without building a UUID object: a million-record
    file writes hundreds of thousands of them, and `uuid.UUID()` checks cost more than
    the SHA-1 (RFC 4122 version 5: the digest's first 16 bytes, version and variant
    bits set)."""
    digest = bytearray(
        hashlib.sha1(ENTITY_NAMESPACE.bytes + "\x1f".join(sorted(members)).encode()).digest()
    )
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def valid_rows(path: Path, errors: list[str]) -> Iterator[dict[str, Any]]:
    """Validated rows of a records file as they are read, until the first bad row;
    every error of the file is collected into `errors`."""
    try:
        for _, _, values, row_errors in validated_rows(path):
            errors.extend(str(e) for e in row_errors)
            if values is not None and not errors:
                yield values
    except RecordFileError as exc:
        errors.append(f"{path.name}: {exc}")


def read_records_file(path: Path) -> list[dict[str, Any]]:
    """Validated rows of a records file; every error of the file is collected."""
    errors: list[str] = []
    rows = list(valid_rows(path, errors))
    if errors:
        raise LinkInputError(errors)
    return rows


def link_file(
    records: Path,
    out: Path,
    pairs_out: Path | None = None,
    *,
    progress: bool = True,
    household: bool = True,
    model: FSModel | None = None,
) -> dict[str, Any]:
    """Deduplicate one records file; write CLUSTERS.csv (and PAIRS.csv)."""
    started = time.perf_counter()
    stages = Stages(f"linking {records.name}", enabled=None if progress else False)
    with collector_paused():
        errors: list[str] = []
        columns = build_columns(valid_rows(records, errors), "record_id")
        if errors:
            raise LinkInputError(errors)
        stages("reading and preparing")
        prepared = time.perf_counter()
        result = link(
            columns,
            model or default_model(),
            household=household,
            on_stage=stages,
            keep="non_match" if pairs_out is not None else "review",
        )
        linked = time.perf_counter()
        ids = result.columns.ids
        clusters = _write_clusters(out, ids, result.clusters.labels)
        if pairs_out is not None:
            with pairs_out.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id_a", "record_id_b", "match_probability", "band"])
                for id_a, id_b, probability, band in result.pair_rows("non_match"):
                    writer.writerow([id_a, id_b, f"{probability:.6f}", band])
        stages("writing")
    stages.done()
    bands = Counter(result.bands.tolist())
    return {
        "records": len(ids),
        "entities": clusters,
        "pairs": result.blocking.pairs,
        "match": bands.get("match", 0),
        "review": bands.get("review", 0),
        "model_version": result.model.version,
        "blocking": asdict(result.blocking),
        "timings": {
            "read_and_prepare": prepared - started,
            **result.timings,
            "write": time.perf_counter() - linked,
        },
        "seconds": time.perf_counter() - started,
    }


def _write_clusters(out: Path, ids: list[Any], labels: np.ndarray) -> int:
    """CLUSTERS.csv: each record with its entity id (stable for the same members);
    returns the number of entities."""
    clusters = members(labels)
    entity_of = {
        label: stable_entity_text(ids[r] for r in rows) for label, rows in clusters.items()
    }
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "entity_id"])
        writer.writerows(zip(ids, [entity_of[label] for label in labels.tolist()], strict=True))
    return len(clusters)


def _as_dicts(records: Sequence[Any]) -> list[dict[str, Any]]:
    return [r.model_dump() for r in records]


class _Clock:
    """Milliseconds spent in each step of one call (reported, e.g. by the benchmark)."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self._last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.steps[step] = round((now - self._last) * 1000, 2)
        self._last = now


def link_import(store: Store, import_id: uuid.UUID) -> dict[str, Any]:
    """Link the records of one import against the stored population.

    Two short transactions on one connection each (`Store.linking`): the first
    stores the new records' keys and reads their candidates with the fields
    matching needs (one statement); the second writes pairs, suggestions and
    entities. Matching runs between the two, holding no lock (SQLite's write
    lock would stop every other writer meanwhile). `timings_ms` tells where the
    time went.
    """
    clock = _Clock()
    model = active_model(store)
    learned = active_learned(store)
    clock("model")
    with store.linking() as tx:
        new = tx.records_of_import(import_id, MATCH_FIELDS)
        if not new:
            return {"records": 0, "pairs": 0, "match": 0, "review": 0, "entities": 0}
        population = tx.estimated_record_count()
        clock("new_records")
        relink = len(new) >= FULL_RELINK_SHARE * population
        candidates = [] if relink else _store_keys_and_find_candidates(tx, new, clock)
    if relink:
        return relink_all(store)
    clock("candidates")
    columns, a, b, scores, bands = match_new(
        new,
        candidates,
        model,
        population_size=population,
        rescore=rescorer(model, learned),
        on_stage=clock,
    )
    pairs = _pair_rows(columns, a, b, scores, bands, model_version(model, learned))
    clock("reasons")
    new_ids = {r["id"] for r in new}
    with store.linking() as tx:
        tx.save_pairs(pairs, replacing=new_ids)
        clock("save_pairs")
        by_id = {r["id"]: r for r in [*new, *candidates]}
        suggested = tx.sync_suggestions(suggestion_rows(pairs, by_id), scope=new_ids)
        clock("suggestions")
        existing = {r["id"]: r["entity_id"] for r in candidates}
        entities = _assign_new(tx, columns, a, b, scores, model, len(new), existing)
        clock("entities")
    clock("commit")
    counts = Counter(bands.tolist())
    return {
        "mode": "incremental",
        "records": len(new),
        "candidates": len(candidates),
        "pairs": len(a),
        "match": counts.get("match", 0),
        "review": counts.get("review", 0),
        "suggestions": suggested["new"],
        "entities": entities,
        "timings_ms": clock.steps,
    }


def _store_keys_and_find_candidates(
    tx: LinkTx, new: list[dict[str, Any]], clock: _Clock
) -> list[dict[str, Any]]:
    """Store the blocking keys of the new records, then read the records sharing them.

    The keys go in first, as in batch blocking: a block counts the new records too
    when it is checked against its cap. Some keys come from a record's whole case
    (the village of another member): when an import adds to a case already stored,
    the keys of the new records and of the stored members are worked out together
    from the whole case, and the members' stored keys are refreshed, as a batch
    link would give them.
    """
    new_ids = {r["id"] for r in new}
    cases = {(r["source"], r["case_id"]) for r in new if r.get("case_id")}
    kin = tx.records_of_cases(cases, MATCH_FIELDS, exclude=new_ids) if cases else []
    together = [*new, *kin]
    keys = all_record_keys(build_columns(together))
    tx.replace_blocking_keys({r["id"]: k for r, k in zip(together, keys, strict=True)})
    keys = keys[: len(new)]
    clock("keys")
    return tx.candidates({k for ks in keys for k in ks}, block_cap, MATCH_FIELDS, exclude=new_ids)


def _pair_rows(
    columns: Any, a: np.ndarray, b: np.ndarray, scores: Any, bands: np.ndarray, version: str
) -> list[dict[str, Any]]:
    rows = []
    for k in np.flatnonzero(bands != "non_match").tolist():
        x, y = int(a[k]), int(b[k])
        id_x, id_y = columns.ids[x], columns.ids[y]
        if str(id_x) > str(id_y):
            id_x, id_y, x, y = id_y, id_x, y, x
        rows.append(
            {
                "record_a": id_x,
                "record_b": id_y,
                "probability": float(scores.probability[k]),
                "band": str(bands[k]),
                "model_version": version,
                "reasons": reasons_of(columns, x, y, scores, k),
            }
        )
    return rows


def _assign_new(
    tx: LinkTx,
    columns: Any,
    a: np.ndarray,
    b: np.ndarray,
    scores: Scores,
    model: FSModel,
    new_count: int,
    existing: dict[uuid.UUID, uuid.UUID | None],
) -> int:
    """New records join the entity they match; existing entities are never merged here."""
    must = []
    by_entity: dict[uuid.UUID, int] = {}
    for row in range(new_count, len(columns)):
        entity = existing.get(columns.ids[row])
        if entity is None:
            continue
        first = by_entity.setdefault(entity, row)
        if first != row:
            must.append((first, row))
    row_of = {identifier: row for row, identifier in enumerate(columns.ids)}
    confirmed, rejected = tx.review_constraints(list(row_of))
    must += [(row_of[x], row_of[y]) for x, y in confirmed if x in row_of and y in row_of]
    cannot = [(row_of[x], row_of[y]) for x, y in rejected if x in row_of and y in row_of]
    result = cluster(
        len(columns),
        a,
        b,
        scores.probability,
        model.match_threshold,
        case=columns.case,
        must_link=must,
        cannot_link=cannot,
        held=scores.held,
        traits=Traits.of(columns),
    )
    assignment: dict[uuid.UUID, uuid.UUID] = {}
    for rows in members(result.labels).values():
        new_rows = [r for r in rows if r < new_count]
        if not new_rows:
            continue
        known = Counter(
            existing[columns.ids[r]]
            for r in rows
            if r >= new_count and existing.get(columns.ids[r])
        )
        entity = known.most_common(1)[0][0] if known else uuid.uuid4()
        for r in new_rows:
            assignment[columns.ids[r]] = entity
    tx.assign_entities(assignment)
    return len(set(assignment.values()))


def _review_unmerged(
    bands: np.ndarray, a: np.ndarray, b: np.ndarray, to_review: list[tuple[int, int, str]]
) -> np.ndarray:
    """Pairs that scored as matches but were held back (a weak link between two persons,
    records that would contradict each other) go to a reviewer; pairs held back by a
    rejection or a shared case do not."""
    weak = [(x, y) for x, y, why in to_review if why not in SETTLED]
    if not weak:
        return bands
    size = int(max(a.max(), b.max())) + 1
    held = [min(x, y) * size + max(x, y) for x, y in weak]
    keys = np.minimum(a, b).astype(np.int64) * size + np.maximum(a, b)
    bands = bands.copy()
    bands[np.isin(keys, held) & (bands == "match")] = "review"
    return bands


def relink_all(store: Store, household: bool = True) -> dict[str, Any]:
    """Link the whole stored population again (batch), refit the model, keep entity ids."""
    records = sorted(store.iter_records(), key=lambda r: (r.source, r.record_id))
    dicts = _as_dicts(records)
    confirmed, rejected = store.review_constraints()
    model = active_model(store)
    learned = active_learned(store)
    result = link(
        dicts,
        model,
        household=household,
        must_link=confirmed,
        cannot_link=rejected,
        rescore=rescorer(model, learned),
        keep="review",
    )
    store.save_model(result.model.version, result.model.to_json())
    keys = all_record_keys(result.columns)
    store.replace_blocking_keys({r.id: k for r, k in zip(records, keys, strict=True)})
    store.clear_pairs()
    bands = _review_unmerged(result.bands, result.a, result.b, result.clusters.to_review)
    version = model_version(result.model, learned)
    pairs = _pair_rows(result.columns, result.a, result.b, result.scores, bands, version)
    store.save_pairs(pairs)
    suggested = store.sync_suggestions(
        suggestion_rows(pairs, {d["id"]: d for d in dicts}), scope=None
    )
    previous = {r.id: r.entity_id for r in records}
    assignment: dict[uuid.UUID, uuid.UUID] = {}
    groups = [
        [result.columns.ids[r] for r in rows] for rows in members(result.clusters.labels).values()
    ]
    used: set[uuid.UUID] = set()
    for ids in sorted(groups, key=len, reverse=True):
        known = Counter(previous[i] for i in ids if previous.get(i) and previous[i] not in used)
        entity = known.most_common(1)[0][0] if known else stable_entity_id(str(i) for i in ids)
        used.add(entity)
        for i in ids:
            assignment[i] = entity
    store.assign_entities(assignment)
    counts = Counter(bands.tolist())
    return {
        "mode": "batch",
        "records": len(records),
        "pairs": result.blocking.pairs,
        "match": counts.get("match", 0),
        "review": counts.get("review", 0),
        "suggestions": suggested["new"],
        "entities": len(groups),
    }


def _age_band(record: Mapping[str, Any]) -> str:
    earliest, registered = record.get("birth_earliest"), record.get("registered_on")
    latest = record.get("birth_latest")
    if earliest is None or latest is None:
        return "âge inconnu"
    middle = earliest + (latest - earliest) / 2
    age = (registered or date.today()).year - middle.year
    if age < 18:
        return "moins de 18 ans"
    low = (age // 10) * 10
    return f"{low}-{low + 9} ans"


def _partial_name(record: Mapping[str, Any]) -> str:
    parts = parse_name(
        full_name=record.get("full_name"),
        family_name=record.get("family_name"),
        given_names=record.get("given_names"),
    )
    given = " ".join(w.capitalize() for w in parts.given) or "?"
    family = parts.family[0][:1].upper() + "." if parts.family else ""
    return f"{given} {family}".strip()


def search(
    store: Store, description: dict[str, Any], top: int = 10, lang: str = "fr"
) -> list[dict[str, Any]]:
    """Persons (entities) matching a description, best first, with minimal details."""
    query: dict[str, Any] = {"id": "query", **{k: v for k, v in description.items() if v}}
    year = description.get("birth_year")
    if year:
        query["birth_earliest"], query["birth_latest"] = date(year, 1, 1), date(year, 12, 31)
        query["birth_precision"] = "year"
    query_columns = build_columns([query])
    keys = all_record_keys(query_columns)[0]
    candidate_ids = list(store.candidates(keys, block_cap))
    candidates = store.records_by_ids(candidate_ids)
    if not candidates:
        return []
    model = active_model(store)
    columns, a, b, scores, _ = match_new(
        [query],
        _as_dicts(candidates),
        model,
        household=False,
        population_size=store.estimated_record_count() + 1,
        rescore=rescorer(model, active_learned(store)),
    )
    by_id = {r.id: r for r in candidates}
    best: dict[Any, tuple[float, int]] = {}
    for k in range(len(a)):
        other = int(b[k]) if int(a[k]) == 0 else int(a[k])
        if other == 0 or columns.ids[other] not in by_id:
            continue
        record = by_id[columns.ids[other]]
        entity = record.entity_id or record.id
        probability = float(scores.probability[k])
        if entity not in best or probability > best[entity][0]:
            best[entity] = (probability, k)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])[:top]
    results = []
    for entity, (probability, k) in ranked:
        other = int(b[k]) if int(a[k]) == 0 else int(a[k])
        record = by_id[columns.ids[other]].model_dump()
        reasons = reasons_of(columns, int(a[k]), int(b[k]), scores, k)
        results.append(
            {
                "entity_id": str(entity),
                "name": _partial_name(record),
                "sex": record.get("sex"),
                "age_band": _age_band(record),
                "region": record.get("origin_region"),
                "score": round(probability, 4),
                "reasons": [r[lang] for r in reasons if r["level"] != "missing"],
            }
        )
    return results
