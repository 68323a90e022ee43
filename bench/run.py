"""`make bench`: every benchmark in turn; each writes its JSON under bench/results/."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = (
    "bench.import_speed",
    "bench.accuracy",
    "bench.reviewed",
    "bench.febrl",
    "bench.scale",
    "bench.incremental",
    "bench.score_parity",
    "bench.review_latency",
    "bench.relatives",
    "bench.tracing_search",
    "bench.graph_latency",
)


def main() -> None:
    for module in BENCHMARKS:
        print(f"== {module}", flush=True)
        subprocess.run([sys.executable, "-m", module], check=True)


if __name__ == "__main__":
    main()
