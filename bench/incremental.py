"""Incremental matching: latency of linking one new record against a stored population.

The population (a generated set minus 100 held-out records) is imported and
linked in batch (`relink_all`); then each held-out record is imported alone
and linked through the same code path as `nrm import`. Reported: p50/p95 of
the linking step (candidates from the stored blocking-key index, scoring,
entity assignment) and of the whole single-record import.
Run: `python -m bench.incremental [--households 25000] [--postgres]`.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from pathlib import Path

from api.importer import import_records
from api.linking import link_import, relink_all
from bench.common import generated_set, save, scratch_postgres_database
from models.store import Store

HELD_OUT = 100


def _split(records: Path, folder: Path) -> tuple[Path, list[Path]]:
    with records.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    population = folder / "population.csv"
    with population.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows[:-HELD_OUT])
    singles = []
    for k, row in enumerate(rows[-HELD_OUT:]):
        path = folder / f"single-{k}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerow(row)
        singles.append(path)
    return population, singles


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(store: Store, population: Path, singles: list[Path]) -> dict:
    started = time.perf_counter()
    report = import_records(store, population)
    assert report.ok, report.errors[:3]
    loaded = time.perf_counter()
    summary = relink_all(store)
    linked = time.perf_counter()
    link_ms: list[float] = []
    total_ms: list[float] = []
    for path in singles:
        t0 = time.perf_counter()
        single = import_records(store, path)
        assert single.counts is not None
        t1 = time.perf_counter()
        link_import(store, single.counts.import_id)
        t2 = time.perf_counter()
        link_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
    return {
        "population": summary["records"],
        "import_seconds": round(loaded - started, 1),
        "batch_link_seconds": round(linked - loaded, 1),
        "link_ms": {
            "p50": round(statistics.median(link_ms), 1),
            "p95": round(_percentile(link_ms, 0.95), 1),
        },
        "import_and_link_ms": {
            "p50": round(statistics.median(total_ms), 1),
            "p95": round(_percentile(total_ms, 0.95), 1),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    records = generated_set(args.households, args.seed) / "records.csv"
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        population, singles = _split(records, Path(folder))
        results["sqlite"] = measure(Store.open(str(Path(folder) / "inc.db")), population, singles)
        print(results, flush=True)
        if args.postgres:
            with scratch_postgres_database() as url:
                results["postgresql"] = measure(Store.open(url), population, singles)
    path = save(
        "incremental", {"households": args.households, "results": results, "target_p95_ms": 50}
    )
    print(results)
    print(f"saved {path}")


if __name__ == "__main__":
    main()
