"""Accuracy on a generated Malian set, side by side with Splink and recordlinkage.

Run: `python -m bench.accuracy [--households 6000] [--seed 2026]`. The seed is
not the one the engine was tuned on. Writes `bench/results/accuracy.json` and
prints a Markdown table (pairwise P/R/F1, B-cubed F1, per naming group, per
sex, twins merged, wall time), with and without household support, and the
blocking's pairs completeness (overall and per naming group), reduction ratio
and candidate pairs per record. `--blocking-only` measures the blocking alone
(prints it, writes nothing): `--households 25000 --seed 11` is the 100k set.
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.common import generated_set, save
from bench.metrics import bcubed, pairwise, twin_merges
from service.linkfile import link_file

GROUPS = ("bambara_malinke", "fulani", "soninke", "songhai", "dogon", "tamasheq", "moorish")


def _truth(path: Path) -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]], dict]:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    truth = {r["record_id"]: r["person_id"] for r in rows}
    groups: dict[str, set[str]] = {}
    sexes: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["naming_group"], set()).add(r["record_id"])
        sexes.setdefault(r["sex"] or "?", set()).add(r["record_id"])
    twins = {r["person_id"]: r["twin_of_person_id"] for r in rows if r["twin_of_person_id"]}
    return truth, groups, sexes, twins


def score(predicted: Mapping[str, Any], truth_file: Path, seconds: float) -> dict[str, Any]:
    truth, groups, sexes, twins = _truth(truth_file)
    return {
        "seconds": round(seconds, 2),
        "pairwise": pairwise(predicted, truth),
        "bcubed": bcubed(predicted, truth),
        "by_group": {g: pairwise(predicted, truth, groups.get(g, set()))["f1"] for g in GROUPS},
        "by_sex": {s: pairwise(predicted, truth, r)["f1"] for s, r in sorted(sexes.items())},
        "twins": twin_merges(predicted, truth, twins),
    }


def run_ours(records: Path, household: bool) -> tuple[dict[str, str], float, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clusters.csv"
        started = time.perf_counter()
        summary = link_file(records, out, progress=False, household=household)
        seconds = time.perf_counter() - started
        labels = {r["record_id"]: r["entity_id"] for r in csv.DictReader(out.open())}
    return labels, seconds, summary


def blocking_completeness(records: Path, truth_file: Path) -> dict[str, Any]:
    """Pairs completeness and reduction ratio of the blocking, against the truth."""
    from collections import defaultdict

    from matching.blocking import candidate_pairs
    from matching.columns import build_columns
    from service.linkfile import read_records_file

    truth, groups, _, _ = _truth(truth_file)
    columns = build_columns(read_records_file(records), "record_id")
    a, b, stats = candidate_pairs(columns)
    by_person: dict[str, list[int]] = defaultdict(list)
    for row, record_id in enumerate(columns.ids):
        by_person[truth[record_id]].append(row)
    true_pairs = {
        (x, y) for rows in by_person.values() for i, x in enumerate(rows) for y in rows[i + 1 :]
    }
    found = set(zip(a.tolist(), b.tolist(), strict=True))
    n = len(columns)
    group_of = {record: group for group, members in groups.items() for record in members}
    per_group: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for x, y in true_pairs:
        counts = per_group[group_of[columns.ids[x]]]
        counts[0] += 1
        counts[1] += (x, y) in found
    return {
        "records": n,
        "candidate_pairs": len(found),
        "pairs_per_record": round(len(found) / max(n, 1), 2),
        "true_pairs": len(true_pairs),
        "pairs_completeness": round(len(found & true_pairs) / max(len(true_pairs), 1), 4),
        "pairs_completeness_by_group": {
            g: round(per_group[g][1] / per_group[g][0], 4) for g in GROUPS if per_group[g][0]
        },
        "reduction_ratio": round(1 - len(found) / (n * (n - 1) / 2), 6),
        "dropped_blocks": stats.dropped_blocks,
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    head = ["tool", "P", "R", "F1", "B³ F1", *GROUPS, "F", "M", "twins merged", "seconds"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, r in results.items():
        p = r["pairwise"]
        cells = [
            name,
            f"{p['precision']:.3f}",
            f"{p['recall']:.3f}",
            f"**{p['f1']:.3f}**",
            f"{r['bcubed']['f1']:.3f}",
            *(f"{r['by_group'][g]:.3f}" for g in GROUPS),
            f"{r['by_sex'].get('F', 0):.3f}",
            f"{r['by_sex'].get('M', 0):.3f}",
            f"{r['twins']['merged']}/{r['twins']['twin_pairs']}",
            f"{r['seconds']:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--blocking-only", action="store_true")
    args = parser.parse_args()
    data = generated_set(args.households, args.seed)
    records, truth_file = data / "records.csv", data / "truth.csv"
    if args.blocking_only:
        print(json.dumps({"blocking": blocking_completeness(records, truth_file)}))
        return
    results: dict[str, dict[str, Any]] = {}
    details: dict[str, Any] = {}
    for name, household in (("nrm-tracing", True), ("nrm-tracing (no household)", False)):
        labels, seconds, summary = run_ours(records, household)
        results[name] = score(labels, truth_file, seconds)
        details[name] = summary
    if not args.skip_baselines:
        from bench.baselines import run_recordlinkage, run_splink

        splink = run_splink(records)
        results["Splink 5 (DuckDB)"] = score(splink, truth_file, splink.seconds)
        linkage = run_recordlinkage(records)
        results["recordlinkage (ECM)"] = score(linkage, truth_file, linkage.seconds)
    ours = results["nrm-tracing"]
    comparison: dict[str, Any] = {}
    if "Splink 5 (DuckDB)" in results:
        splink_result = results["Splink 5 (DuckDB)"]
        comparison = {
            "f1_ratio_to_splink": round(
                ours["pairwise"]["f1"] / splink_result["pairwise"]["f1"], 3
            ),
            "time_ratio_to_splink": round(ours["seconds"] / splink_result["seconds"], 3),
        }
    n = sum(1 for _ in records.open()) - 1
    document = {
        "data": {"households": args.households, "seed": args.seed, "records": n},
        "results": results,
        "comparison": comparison,
        "blocking": blocking_completeness(records, truth_file),
        "timings": details["nrm-tracing"]["timings"],
        "model": details["nrm-tracing"]["model_version"],
    }
    path = save("accuracy", document)
    print(table(results))
    print(json.dumps({**comparison, "blocking": document["blocking"]}))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
