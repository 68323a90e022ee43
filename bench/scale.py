"""How linking grows: `nrm link` on generated sets of about 10k, 100k and 1M records.

Each run is its own process (`bench.measure`), so wall time and peak memory
are that of one `nrm link`. `link_seconds` is the matching pipeline from
blocking to clustering (its stages in `timings`);
`read_prepare_and_write_seconds` is reading and validating the file, coding
and parsing its distinct values (`read_and_prepare`, one streamed pass), and
writing the clusters. A run that passes `--timeout` is reported as such.
Run: `python -m bench.scale [--sizes 2500 25000] [--timeout 1800]` (sizes are
households, about four records each; `--sizes 250000` is the 1,000,000-record
run, left out of the default: it takes minutes and a few GB, most of it
holding the ~67 million candidate pairs while they are compared and scored).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import RESULTS, generated_set, measure, save

TARGET_SECONDS_1M = 60
TARGET_PEAK_MB_1M = 4096


def run(records: Path, timeout: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clusters.csv"
        command = [
            sys.executable,
            "-m",
            "api.cli",
            "link",
            str(records),
            "--out",
            str(out),
            "--json",
        ]
        try:
            result = measure(command, timeout)
        except subprocess.TimeoutExpired:
            return {"finished": False, "timeout_seconds": timeout}
    summary = result.pop("output")
    stages = summary["timings"]
    linking = sum(
        seconds for stage, seconds in stages.items() if stage not in ("read_and_prepare", "write")
    )
    return {
        "finished": True,
        **result,
        "records": summary["records"],
        "pairs": summary["pairs"],
        "timings": summary["timings"],
        "link_seconds": round(linking, 2),
        "read_prepare_and_write_seconds": round(summary["seconds"] - linking, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2500, 25000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()
    previous = RESULTS / "scale.json"
    results = json.loads(previous.read_text())["results"] if previous.exists() else {}
    for households in args.sizes:
        records = generated_set(households, args.seed) / "records.csv"
        results[str(households)] = run(records, args.timeout)
        print(json.dumps({households: results[str(households)]}), flush=True)
    path = save(
        "scale",
        {
            "results": results,
            "targets": {"seconds_1m": TARGET_SECONDS_1M, "peak_rss_mb_1m": TARGET_PEAK_MB_1M},
        },
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
