"""Markdown tables of `bench.accuracy` results: one run's tables, and the summary of every
size and profile measured (`python -m bench.accuracy_tables`, which also writes it to
`bench/results/accuracy-summary.md`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from bench.common import RESULTS
from fixtures.names import NAMING_GROUPS
from fixtures.profiles import PROFILES

SPLINK = "Splink 5 (DuckDB)"


def md_row(cells: Iterable[Any]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def md_head(names: list[str]) -> list[str]:
    return [md_row(names), "|" + "---|" * len(names)]


def table(results: dict[str, dict[str, Any]]) -> str:
    """Per tool: pairwise, B³, F1 per naming group and sex, largest person, twins, time."""
    head = ["tool", "P", "R", "F1", "B³ F1", *NAMING_GROUPS, "F", "M"]
    head += ["largest / truth's", "twins merged", "seconds"]
    lines = md_head(head)
    for name, r in results.items():
        p = r["pairwise"]
        lines.append(
            md_row(
                [
                    name,
                    f"{p['precision']:.3f}",
                    f"{p['recall']:.3f}",
                    f"**{p['f1']:.3f}**",
                    f"{r['bcubed']['f1']:.3f}",
                    *(_f1(r["by_group"].get(g)) for g in NAMING_GROUPS),
                    _f1(r["by_sex"].get("F")),
                    _f1(r["by_sex"].get("M")),
                    f"{r['largest']['predicted']} / {r['largest']['truth']}",
                    f"{r['twins']['merged']}/{r['twins']['twin_pairs']}",
                    f"{r['seconds']:.1f}",
                ]
            )
        )
    return "\n".join(lines)


def _f1(measure: dict[str, Any] | None) -> str:
    return f"{measure['f1']:.3f}" if measure else "—"


def group_table(results: dict[str, dict[str, Any]]) -> str:
    """Per naming group and tool: P, R, F1 and the group's true pairs."""
    tools = list(results)
    head = ["naming group", "true pairs", *(f"{t} P / R / F1" for t in tools)]
    lines = md_head(head)
    for g in NAMING_GROUPS:
        measured = [results[t]["by_group"].get(g) for t in tools]
        if not any(measured):
            continue
        true_pairs = next(m["true_pairs"] for m in measured if m)
        cells = [
            f"{m['precision']:.3f} / {m['recall']:.3f} / {m['f1']:.3f}" if m else "—"
            for m in measured
        ]
        lines.append(md_row([g, f"{true_pairs:,}", *cells]))
    return "\n".join(lines)


def engine_table(document: dict[str, Any]) -> str:
    """Our engine: review load, what it merged by itself, the blocking."""
    e, records = document["engine"], document["data"]["records"]
    blocking = document["blocking"]
    lines = md_head(
        [
            "records",
            "review pairs / record",
            "review pairs precision",
            "scored matches (pairs) P",
            "same person, merged by the engine (pairs) P",
            "joined only through chains (pairs) P",
            "pairs completeness of blocking",
        ]
    )
    lines.append(
        md_row(
            [
                f"{records:,}",
                f"{e['review_pairs_per_record']:.3f}",
                f"{e['review_precision']:.3f}",
                f"{e['scored_matches']['pairs']:,} {e['scored_matches']['precision']:.3f}",
                f"{e['automatic']['pairs']:,} {e['automatic']['precision']:.3f}",
                f"{e['chained']['pairs']:,} {e['chained']['precision']:.3f}",
                f"{blocking['pairs_completeness']:.4f}",
            ]
        )
    )
    return "\n".join(lines)


def _observed(row: dict[str, Any]) -> str:
    """The observed precision of a band, or a dash where no pair fell in it."""
    return f"{row['precision']:.3f}" if row["pairs"] else "—"


def calibration_table(engine: dict[str, Any]) -> str:
    """Predicted probability band against observed precision of the pairs in it."""
    lines = md_head(["predicted band", "pairs", "mean predicted", "observed precision"])
    for row in engine["calibration"]:
        mean = "—" if row["mean_probability"] is None else f"{row['mean_probability']:.3f}"
        lines.append(md_row([row["band"], f"{row['pairs']:,}", mean, _observed(row)]))
    return "\n".join(lines)


def documents(kind: str = "accuracy") -> list[dict[str, Any]]:
    """The results of `bench.<kind>` at every size and profile, smallest first."""
    out = [json.loads(p.read_text()) for p in sorted(RESULTS.glob(f"{kind}-*-h*-s*.json"))]
    order = {name: k for k, name in enumerate(PROFILES)}
    return sorted(out, key=lambda d: (d["data"]["households"], order[d["data"]["profile"]]))


def summary_table(documents: list[dict[str, Any]]) -> str:
    """One row per measured (profile, size): the issue-9 figures side by side."""
    lines = md_head(
        [
            "profile",
            "records",
            "seed",
            "P",
            "R",
            "F1",
            "B³ F1",
            "lowest group F1",
            "largest / truth's",
            "review pairs / record",
            "merged by the engine P",
            "chained pairs P",
            "P at predicted ≥ 0.95",
            "Splink F1",
            "seconds",
        ]
    )
    for d in documents:
        r = d["results"]["nrm-tracing"]
        e = d["engine"]
        p = r["pairwise"]
        worst = min(r["by_group"].items(), key=lambda item: item[1]["f1"])
        high = [row for row in e["calibration"] if float(row["band"][1:].split(",")[0]) >= 0.95]
        high_pairs = sum(row["pairs"] for row in high)
        high_true = sum(row["true"] for row in high)
        splink = d["results"].get(SPLINK)
        lines.append(
            md_row(
                [
                    d["data"]["profile"],
                    f"{d['data']['records']:,}",
                    d["data"]["seed"],
                    f"{p['precision']:.3f}",
                    f"{p['recall']:.3f}",
                    f"**{p['f1']:.3f}**",
                    f"{r['bcubed']['f1']:.3f}",
                    f"{worst[1]['f1']:.3f} ({worst[0]})",
                    f"{r['largest']['predicted']} / {r['largest']['truth']}",
                    f"{e['review_pairs_per_record']:.3f}",
                    f"{e['automatic']['precision']:.3f}",
                    f"{e['chained']['precision']:.3f} ({e['chained']['pairs']:,})",
                    f"{high_true / high_pairs:.3f}" if high_pairs else "—",
                    f"{splink['pairwise']['f1']:.3f}" if splink else "—",
                    f"{r['seconds']:.1f}",
                ]
            )
        )
    return "\n".join(lines)


def calibration_summary(documents: list[dict[str, Any]]) -> str:
    """Observed precision (pairs) per band of predicted probability, one row per run."""
    bands = [row["band"] for row in documents[0]["engine"]["calibration"]] if documents else []
    lines = md_head(["profile", "records", *(f"predicted {b}" for b in bands)])
    for d in documents:
        cells = [f"{_observed(row)} ({row['pairs']:,})" for row in d["engine"]["calibration"]]
        lines.append(md_row([d["data"]["profile"], f"{d['data']['records']:,}", *cells]))
    return "\n".join(lines)


def group_summary(documents: list[dict[str, Any]]) -> str:
    """Our engine's P / R / F1 per naming group, one row per run."""
    lines = md_head(["profile", "records", *NAMING_GROUPS])
    for d in documents:
        by_group = d["results"]["nrm-tracing"]["by_group"]
        cells = [
            f"{m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f}" if m else "—"
            for m in (by_group.get(g) for g in NAMING_GROUPS)
        ]
        lines.append(md_row([d["data"]["profile"], f"{d['data']['records']:,}", *cells]))
    return "\n".join(lines)


M_SHOWN = (
    ("family_name", "exact"),
    ("family_name", "different"),
    ("given_names", "exact"),
    ("given_names", "different"),
    ("birth", "further"),
    ("origin_place", "different"),
    ("father", "different"),
)
"""The levels whose fitted m the table sets beside the truth: agreement on the names, and
the disagreements that EM's selections of relatives inflate."""


def m_summary(documents: list[dict[str, Any]]) -> str:
    """Fitted m / share among the true pairs, for the levels of `M_SHOWN`, one row per run
    measured with it."""
    lines = md_head(["profile", "records", *(f"{name} {level}" for name, level in M_SHOWN)])
    for d in documents:
        against = d.get("m_against_truth")
        if not against:
            continue
        cells = [
            "{:.3f} / {:.3f}".format(*against[name]["levels"][level]) for name, level in M_SHOWN
        ]
        lines.append(md_row([d["data"]["profile"], f"{d['data']['records']:,}", *cells]))
    return "\n".join(lines)


def main() -> None:
    measured = documents()
    text = "\n\n".join(
        (
            summary_table(measured),
            group_summary(measured),
            calibration_summary(measured),
            m_summary(measured),
        )
    )
    (RESULTS / "accuracy-summary.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
