"""Accuracy on a generated Malian set, at any size and on any generator profile, side by
side with Splink (and recordlinkage on small sets).

Run: `python -m bench.accuracy [--households 6000] [--seed 2026] [--profile default]`.
About four records per household: 6,000 households are ~25k records, 62,500 ~250k and
250,000 ~1M. The seed is not the one the engine was tuned on; the profiles
(`fixtures/profiles.py`) are populations and writing habits it never saw.

Reported per tool: pairwise P/R/F1, B-cubed, P/R/F1 per naming group and per sex, the
largest predicted person against the truth's largest, twins merged, wall time. For our
engine also: review pairs per record, the precision of what it merged by itself (pairs
scored as matches; pairs joined only through chains), a calibration table (observed
precision per band of predicted probability), the blocking's pairs completeness, and each
comparison's m as fitted beside its share among the true pairs (`m_against_truth`).
Measures are counted from the contingency table (`bench.contingency`), so a million
records cost seconds; the engine keeps only pairs at or above the review threshold,
as `nrm link` does without `--pairs`.

Writes `bench/results/accuracy-<profile>-h<households>-s<seed>.json` (and
`accuracy.json` for the default profile at the default size and seed, the README's
table) and prints Markdown tables. `--blocking-only` measures the blocking alone.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import contingency
from bench.accuracy_tables import calibration_table, engine_table, group_table, table
from bench.common import generated_set, save
from fixtures.names import NAMING_GROUPS
from fixtures.profiles import PROFILES, knobs
from matching.block_arrays import KindKeys
from matching.blocking import candidate_pairs
from matching.columns import Columns, build_columns
from matching.compare.pairs import compare_pairs
from matching.comparisons import COMPARISONS
from matching.model import FSModel, default_model
from matching.pipeline import link
from service.linkfile import valid_columns
from service.memory import collector_paused
from service.pairs import review_unmerged

GROUPS = NAMING_GROUPS
DEFAULT_HOUSEHOLDS, DEFAULT_SEED = 6000, 2026
# Above these sizes (records) a run leaves out what does not scale: the engine without
# household support (a second full link), recordlinkage (hours), Splink (optional: its
# DuckDB pair table grows past what a shared machine should give it).
NO_HOUSEHOLD_UP_TO = 100_000
RECORDLINKAGE_UP_TO = 50_000
SPLINK_UP_TO = 300_000


@dataclass
class EngineRun:
    ids: list[str]
    labels: np.ndarray
    a: np.ndarray
    b: np.ndarray
    probability: np.ndarray
    band: np.ndarray
    match_threshold: float
    seconds: float
    timings: dict[str, float]
    model_version: str
    columns: Columns
    model: FSModel


def run_engine(records: Path, household: bool) -> EngineRun:
    """`nrm link`'s pipeline (read, prepare, link; keep the pairs a reviewer could see)."""
    errors: list[str] = []
    started = time.perf_counter()
    with collector_paused():
        columns = build_columns(valid_columns(records, errors), "record_id", natural=True)
        if errors:
            raise ValueError(f"{records}: {errors[:3]}")
        prepared = time.perf_counter()
        result = link(columns, default_model(), household=household, keep="review")
    seconds = time.perf_counter() - started
    band, _ = review_unmerged(
        result.bands, result.a, result.b, result.clusters.to_review, result.scores.held
    )
    return EngineRun(
        [str(i) for i in result.columns.ids],
        contingency.codes(result.clusters.labels),
        result.a,
        result.b,
        result.scores.probability,
        band,
        result.model.match_threshold,
        seconds,
        {"read_and_prepare": prepared - started, **result.timings},
        result.model.version,
        result.columns,
        result.model,
    )


def _same_person_pairs(columns: Columns, truth: contingency.Truth) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows of one true person, never two of one case: the blocking of
    a key that is the true person, with no block too large."""
    rows = np.arange(len(columns), dtype=np.int64)
    person = KindKeys("person", rows, truth.person.astype(np.int64))
    a, b, _ = candidate_pairs(columns, kinds=[person], max_block=max(len(columns), 2))
    return a, b


def measure_engine(records: Path, truth_file: Path, household: bool) -> dict[str, Any]:
    """Our engine's accuracy, its scored pairs and its blocking on one file."""
    run = run_engine(records, household)
    truth = contingency.read_truth(truth_file, run.ids, GROUPS)
    table = contingency.Table.of(run.labels, truth.person)
    out: dict[str, Any] = {
        "accuracy": contingency.accuracy(table, truth, run.seconds),
        "engine": contingency.scored_pairs(
            run.a, run.b, run.probability, run.band, table, run.match_threshold
        ),
        "timings": {k: round(v, 2) for k, v in run.timings.items()},
        "model": run.model_version,
        "ids": run.ids,
        "truth": truth,
    }
    ta, tb = _same_person_pairs(run.columns, truth)
    out["m_against_truth"] = contingency.m_against_truth(
        compare_pairs(run.columns, ta, tb), COMPARISONS, run.model.m
    )
    del ta, tb
    if household:
        del run.a, run.b, run.probability, run.band
        gc.collect()
        a, b, stats = candidate_pairs(run.columns)
        out["blocking"] = contingency.blocking(a, b, truth, stats.dropped_blocks)
    return out


def run_baselines(
    records: Path, ids: list[str], truth: contingency.Truth, which: set[str]
) -> dict[str, dict[str, Any]]:
    from bench.baselines import run_recordlinkage, run_splink

    results: dict[str, dict[str, Any]] = {}
    runs = {"splink": ("Splink 5 (DuckDB)", run_splink)}
    runs["recordlinkage"] = ("recordlinkage (ECM)", run_recordlinkage)
    for key, (name, run) in runs.items():
        if key not in which:
            continue
        clustering = run(records)
        table = contingency.Table.of(contingency.labels_in_order(clustering, ids), truth.person)
        results[name] = contingency.accuracy(table, truth, clustering.seconds)
        del clustering, table
        gc.collect()
    return results


def _chosen(option: str, records: int, up_to: int) -> bool:
    return option == "yes" or (option == "auto" and records <= up_to)


def result_name(profile: str, households: int, seed: int) -> str:
    return f"accuracy-{profile}-h{households}-s{seed}"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy")
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--profile", choices=tuple(PROFILES), default="default")
    choice = {"choices": ("auto", "yes", "no"), "default": "auto"}
    parser.add_argument("--splink", **choice, help=f"auto: up to {SPLINK_UP_TO:,} records")
    parser.add_argument(
        "--recordlinkage", **choice, help=f"auto: up to {RECORDLINKAGE_UP_TO:,} records"
    )
    parser.add_argument(
        "--no-household",
        **choice,
        help=f"also without household support; auto: up to {NO_HOUSEHOLD_UP_TO:,} records",
    )
    parser.add_argument(
        "--skip-baselines", action="store_true", help="neither Splink nor recordlinkage"
    )
    parser.add_argument("--blocking-only", action="store_true")
    args = parser.parse_args()
    data = generated_set(args.households, args.seed, args.profile)
    records, truth_file = data / "records.csv", data / "truth.csv"
    if args.blocking_only:
        columns = build_columns(valid_columns(records, []), "record_id", natural=True)
        truth = contingency.read_truth(truth_file, [str(i) for i in columns.ids], GROUPS)
        a, b, stats = candidate_pairs(columns)
        print(json.dumps({"blocking": contingency.blocking(a, b, truth, stats.dropped_blocks)}))
        return
    ours = measure_engine(records, truth_file, household=True)
    results = {"nrm-tracing": ours["accuracy"]}
    ids, truth = ours.pop("ids"), ours.pop("truth")
    n = len(ids)
    if _chosen(args.no_household, n, NO_HOUSEHOLD_UP_TO):
        without = measure_engine(records, truth_file, household=False)
        results["nrm-tracing (no household)"] = without["accuracy"]
        del without
    which = set()
    if not args.skip_baselines:
        if _chosen(args.splink, n, SPLINK_UP_TO):
            which.add("splink")
        if _chosen(args.recordlinkage, n, RECORDLINKAGE_UP_TO):
            which.add("recordlinkage")
    results.update(run_baselines(records, ids, truth, which))
    comparison: dict[str, Any] = {}
    if "Splink 5 (DuckDB)" in results:
        splink = results["Splink 5 (DuckDB)"]
        comparison = {
            "f1_ratio_to_splink": round(
                ours["accuracy"]["pairwise"]["f1"] / max(splink["pairwise"]["f1"], 1e-9), 3
            ),
            "time_ratio_to_splink": round(ours["accuracy"]["seconds"] / splink["seconds"], 3),
        }
    profile = PROFILES[args.profile]
    document = {
        "data": {
            "households": args.households,
            "seed": args.seed,
            "records": n,
            "profile": args.profile,
            "knobs": knobs(profile),
        },
        "results": results,
        "engine": ours["engine"],
        "comparison": comparison,
        "blocking": ours["blocking"],
        "timings": ours["timings"],
        "model": ours["model"],
        "m_against_truth": ours["m_against_truth"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    path = save(result_name(args.profile, args.households, args.seed), document)
    if (args.profile, args.households, args.seed) == ("default", DEFAULT_HOUSEHOLDS, DEFAULT_SEED):
        save("accuracy", document)
    print(f"{n:,} records, profile {args.profile}, seed {args.seed}\n")
    print(table(results), "\n")
    print(group_table(results), "\n")
    print(engine_table(document), "\n")
    print(calibration_table(document["engine"]), "\n")
    print(json.dumps({**comparison, "blocking": document["blocking"]}))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
