"""Imports of any size into a stored population: 1, 1,000 and 50,000 new records linked
into a store of about 100,000, on SQLite and PostgreSQL (issue 10: no statement may grow
past a database's limits with the number of keys or records).

Run: `python -m bench.import_sizes [--households 27000] [--seed 13] [--db sqlite,postgresql]`.
The generated set (about 105,000 records) is split in file order: the population, then
the held-out files of 1, 1,000 and 50,000 records. The population is imported without
linking and linked once (`nrm relink`); each held-out file is then imported as
`nrm import` does (linked at once: incrementally, or the whole population again when
that is quicker, `service.linking.whole_population_reason`). Reported per file: whether
it loaded, how it was linked and why, its seconds, and the records left without a person
afterwards (must be 0). Writes `bench/results/import_sizes-h<households>.json`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import generated_set, machine, save, scratch_postgres_database
from bench.parity import _rows, _write
from models.store import Store
from service import Service
from service.relinking import relink_all

SIZES = (1, 1_000, 50_000)


def _files(records: Path, out: Path) -> list[Path]:
    """The population, then one file per size of `SIZES`, from the end of the set."""
    header, rows = _rows(records)
    held = sum(SIZES)
    groups = [rows[:-held]]
    start = len(rows) - held
    for size in SIZES:
        groups.append(rows[start : start + size])
        start += size
    paths = [out / "population.csv", *(out / f"new-{size}.csv" for size in SIZES)]
    _write(paths, header, groups)
    return paths


def _run(store: Store, files: list[Path]) -> dict[str, Any]:
    service = Service(store)
    population, *held = files
    started = time.perf_counter()
    loaded = service.import_file(population, link=False)
    if not loaded.ok:
        raise RuntimeError(f"{population}: {loaded.errors[:3]}")
    relink_all(store)
    result: dict[str, Any] = {
        "population": store.count_records(),
        "population_seconds": round(time.perf_counter() - started, 1),
        "imports": [],
    }
    for path, size in zip(held, SIZES, strict=True):
        started = time.perf_counter()
        report = service.import_file(path)
        seconds = time.perf_counter() - started
        linked = report.linked or {}
        result["imports"].append(
            {
                "records": size,
                "loaded": report.ok,
                "mode": linked.get("mode"),
                "because": linked.get("because"),
                "candidates": linked.get("candidates"),
                "pairs": linked.get("pairs"),
                "seconds": round(seconds, 1),
                "pending_after": store.pending_records(),
            }
        )
        print(result["imports"][-1], flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.import_sizes")
    parser.add_argument("--households", type=int, default=27_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    records = generated_set(args.households, args.seed) / "records.csv"
    results: dict[str, Any] = {"machine": machine(), "households": args.households}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = _files(records, folder)
        for db in args.db.split(","):
            if db == "sqlite":
                store = Store.open(str(folder / "sizes.db"))
                results[db] = _run(store, files)
                store.close()
            else:
                with scratch_postgres_database() as url:
                    store = Store.open(url)
                    results[db] = _run(store, files)
                    store.close()
    save(f"import_sizes-h{args.households}", results)


if __name__ == "__main__":
    main()
