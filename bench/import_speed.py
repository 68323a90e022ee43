"""Import throughput: a generated file of about 1,000,000 records into SQLite and PostgreSQL.

Each import runs in its own process (`nrm import --no-link --json`), so its
peak memory and CPU seconds are measured alone (PostgreSQL's server work is in
neither: it shows in the wall time only). Run: `python -m bench.import_speed [--households N]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.common import ROOT, generated_set, measure, save, scratch_postgres_database

TARGET_RATE = 20_000
TARGET_PEAK_MB = 1024


def _measure(records: Path, url: str) -> dict:
    result = measure(
        [
            sys.executable,
            "-m",
            "api.cli",
            "import",
            str(records),
            "--no-link",
            "--json",
            "--db",
            url,
        ]
    )
    summary = result.pop("output")
    rows = summary["rows"]
    return {
        **result,
        "rows": rows,
        "new": summary["new"],
        "records_per_second": round(rows / result["seconds"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    data = generated_set(args.households, args.seed)
    records = data / "records.csv"
    sqlite_path = data / "bench-import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
    results = {"sqlite": _measure(records, str(sqlite_path))}
    with scratch_postgres_database() as url:
        results["postgresql"] = _measure(records, url)
    for outcome in results.values():
        outcome["meets_rate"] = outcome["records_per_second"] >= TARGET_RATE
        outcome["meets_memory"] = outcome["peak_rss_mb"] <= TARGET_PEAK_MB
    path = save(
        "import",
        {
            "file": str(records.relative_to(ROOT)),
            "results": results,
            "targets": {"records_per_second": TARGET_RATE, "peak_rss_mb": TARGET_PEAK_MB},
        },
    )
    print(json.dumps(results, indent=2))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
