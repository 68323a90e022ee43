"""The persisted family graph at scale, on a generated store: the time and memory of a
full `nrm graph rebuild`, the incremental update after a 50-record import, and the p50
and p95 of the relatives use case (`nrm relatives`: find the record, read the graph
around its person, rank, audit) and of a tracing search (`nrm trace` with the name,
sex, birth year and village of a stored record) over sampled records.

    python -m bench.graph_latency [--households 6700] [--seed 5] [--queries 200]
        [--db URL] [--before]

``--before`` also times the query as it was before the graph was persisted (reading
every record and inferring around the person): minutes per query past 100k records.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import generated_set, save
from models.store import Store
from service import Actor, Service
from service.kingraph import load, rebuild_graph
from tracing.graph import build_graph
from tracing.relatives import relatives

LATE = 50
ACTOR = Actor.operator("bench.graph_latency")


def _ms(seconds: list[float]) -> dict[str, float]:
    seconds = sorted(seconds)
    return {
        "p50_ms": round(1000 * seconds[len(seconds) // 2], 1),
        "p95_ms": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 1),
        "max_ms": round(1000 * seconds[-1], 1),
    }


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _split(data: Path, tmp: Path, queries: int, seed: int) -> tuple[Path, Path, Path, int, list]:
    """All records but the last 50 (with the relations among them), the last 50, how
    many records the first file holds and a sample of its rows."""
    header, *rows = (data / "records.csv").read_text(encoding="utf-8").splitlines()
    first, late = tmp / "first.csv", tmp / "late.csv"
    first.write_text("\n".join([header, *rows[:-LATE]]) + "\n", encoding="utf-8")
    late.write_text("\n".join([header, *rows[-LATE:]]) + "\n", encoding="utf-8")
    early = {r.split(",", 1)[0] for r in rows[:-LATE]}
    top, *pairs = (data / "relations.csv").read_text(encoding="utf-8").splitlines()
    declared = tmp / "relations.csv"
    kept = [p for p in pairs if {p.split(",")[0], p.split(",")[2]} <= early]
    declared.write_text("\n".join([top, *kept]) + "\n", encoding="utf-8")
    with first.open(encoding="utf-8") as handle:
        stored = list(csv.DictReader(handle))
    # Only the sample is kept: a process holding a million rows would pay for them at
    # every garbage collection, which a service answering queries does not.
    return first, late, declared, len(stored), random.Random(seed).sample(stored, queries)


def _description(row: dict[str, str]) -> dict[str, Any]:
    """What a family would say of a stored person: name, sex, birth year, village."""
    out: dict[str, Any] = {"name": row["full_name"] or f"{row['given_names']} {row['family_name']}"}
    if row["sex"]:
        out["sex"] = row["sex"]
    if row["birth_date"][:4].isdigit():
        out["birth_year"] = int(row["birth_date"][:4])
    if row["origin_village"]:
        out["village"] = row["origin_village"]
    return out


def _timed(call: Any, rows: list[dict[str, str]]) -> dict[str, float]:
    seconds = []
    for row in rows:
        started = time.perf_counter()
        call(row)
        seconds.append(time.perf_counter() - started)
    return _ms(seconds)


def _before(store: Store, rows: list[dict[str, str]]) -> dict[str, float]:
    """The query before the graph was persisted: every record read, inferred around."""
    everyone, relations = load(store)
    by_id = {(r.source, r.record_id): r.person for r in everyone}

    def query(row: dict[str, str]) -> None:
        person = by_id[(row["source"], row["record_id"])]
        graph = build_graph(*load(store), focus=[person])
        relatives(graph, person, 10)

    del everyone, relations
    return _timed(query, rows)


def run(households: int, seed: int, queries: int, db: str | None, before: bool) -> dict:
    data = generated_set(households, seed)
    with tempfile.TemporaryDirectory() as tmp:
        first, late, declared, count, sample = _split(data, Path(tmp), queries, seed)
        gc.collect()
        store = Store.open(db or str(Path(tmp) / "bench.db"))
        service = Service(store)
        started = time.perf_counter()
        assert service.import_file(first, declared).ok
        imported = time.perf_counter() - started
        peak_before_graph = _peak_mb()
        started = time.perf_counter()
        rebuilt = rebuild_graph(store)
        rebuild_seconds = time.perf_counter() - started
        started = time.perf_counter()
        report = service.import_file(late)
        late_seconds = time.perf_counter() - started
        assert report.ok and report.graph is not None
        gc.collect()
        found = _timed(
            lambda row: service.relatives_of_record(ACTOR, row["record_id"], source=row["source"]),
            sample,
        )
        traced = _timed(lambda row: service.trace(ACTOR, _description(row), limited=False), sample)
        result = {
            "households": households,
            "seed": seed,
            "database": store.engine.dialect.name,
            "records": count + LATE,
            "import_and_link_seconds": round(imported, 1),
            "graph_rebuild_seconds": round(rebuild_seconds, 1),
            "graph_edge_rows": rebuilt["edges"],
            "graph_key_rows": rebuilt["keys"],
            "peak_rss_mb_before_graph": peak_before_graph,
            "peak_rss_mb_after_rebuild": _peak_mb(),
            "update_after_50_records": {**report.graph, "seconds": round(late_seconds, 1)},
            "relatives_use_case": found,
            "tracing_search": traced,
            "queries": len(sample),
        }
        if before:
            result["relatives_before_persisted_graph"] = _before(store, sample[:40])
        store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.graph_latency")
    parser.add_argument("--households", type=int, default=6700)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a new SQLite file)")
    parser.add_argument("--before", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    results = run(args.households, args.seed, args.queries, args.db, args.before)
    print(results)
    if not args.no_save:
        name = f"graph_latency-h{args.households}-{results['database']}"
        save(name, results)


if __name__ == "__main__":
    main()
