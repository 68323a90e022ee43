"""Latency of a relatives query before and after the persisted family graph, on a
generated store (default ~25,000 records): before, the query read every record and
inferred around the person (`tracing.graph.build_graph` with a focus); after, it reads
the persisted rows around the person (`service.kingraph.neighbourhood`). Also the time
of a full `nrm graph rebuild` and of the incremental update after a small import.

    python -m bench.graph_latency [--households 6700] [--seed 5] [--queries 40]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import generated_set, save
from models.store import Store
from service import Service
from service.kingraph import load, neighbourhood, rebuild_graph
from tracing.graph import build_graph
from tracing.relatives import relatives


def _ms(seconds: list[float]) -> dict[str, float]:
    seconds = sorted(seconds)
    return {
        "p50_ms": round(1000 * seconds[len(seconds) // 2], 1),
        "p95_ms": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 1),
    }


def run(households: int, seed: int, queries: int) -> dict[str, Any]:
    data = generated_set(households, seed)
    header, *rows = (data / "records.csv").read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as tmp:
        first, late = Path(tmp) / "first.csv", Path(tmp) / "late.csv"
        first.write_text("\n".join([header, *rows[:-50]]) + "\n", encoding="utf-8")
        late.write_text("\n".join([header, *rows[-50:]]) + "\n", encoding="utf-8")
        early = {r.split(",", 1)[0] for r in rows[:-50]}
        top, *pairs = (data / "relations.csv").read_text(encoding="utf-8").splitlines()
        declared = Path(tmp) / "relations.csv"
        kept = [p for p in pairs if {p.split(",")[0], p.split(",")[2]} <= early]
        declared.write_text("\n".join([top, *kept]) + "\n", encoding="utf-8")
        store = Store.open(str(Path(tmp) / "bench.db"))
        service = Service(store)
        started = time.perf_counter()
        assert service.import_file(first, declared).ok
        imported = time.perf_counter() - started
        started = time.perf_counter()
        rebuilt = rebuild_graph(store)
        rebuild_seconds = time.perf_counter() - started
        report = service.import_file(late)
        assert report.ok and report.graph is not None
        records, _ = load(store)
        sample = random.Random(seed).sample(records, queries)
        before, after = [], []
        for record in sample:
            started = time.perf_counter()
            everyone, relations = load(store)
            graph = build_graph(everyone, relations, focus=[record.person])
            relatives(graph, record.person, 10)
            before.append(time.perf_counter() - started)
            started = time.perf_counter()
            near = neighbourhood(store, record.person)
            assert near is not None
            relatives(near, record.person, 10)
            after.append(time.perf_counter() - started)
        store.close()
    return {
        "households": households,
        "seed": seed,
        "records": len(records),
        "import_and_link_seconds": round(imported, 1),
        "graph_rebuild_seconds": round(rebuild_seconds, 1),
        "graph_edge_rows": rebuilt["edges"],
        "update_after_50_records": report.graph,
        "relatives_before_read_everything": _ms(before),
        "relatives_after_persisted_graph": _ms(after),
        "queries": queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.graph_latency")
    parser.add_argument("--households", type=int, default=6700)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    results = run(args.households, args.seed, args.queries)
    print(results)
    if not args.no_save:
        save("graph_latency", results)


if __name__ == "__main__":
    main()
