"""Accuracy after one round of review: reviewers decide part of the queue, the engine
learns from their decisions (`nrm model train`) and links again (`nrm relink`).

Run: `python -m bench.reviewed [--households 6000] [--profile default] [--decisions 2000]`.

The reviewers are simulated by the truth: they decide `--decisions` pairs drawn at random
from the review queue (`--draw uncertain`: those nearest 0.5 first, as the service's queue
ordered them before its random share; `--draw queue`: in the service's queue order, one
pair in ten at a random place, `models.queue_sample`), and are always right. The same
number of decisions at every size (a team's round of review, not a share of the queue),
so that what the model learned, not the decisions themselves, is what grows with the
registry. Reported, as pairwise P / R / F1 of the persons, the largest person and the
review pairs per record:

- the Fellegi-Sunter model alone (`nrm link`);
- with the decisions kept (must-link, cannot-link), no model learned;
- the learned model alone, its decisions left out: what it learned for the pairs nobody
  reviewed;
- the learned model with the decisions: what a relink after `nrm model train` gives.

The learned model is trained as `nrm model train` trains it (`matching.judging.train`:
three quarters of the decisions, judged on the rest against the FS model, or, with
`--draw queue`, fitted on the others and judged on the decisions of the random share,
then recalibrated on them; `better` says whether the service would switch to it), on
the decided pairs' scores as linking gave them (the service scores them again with their
cases' other members, `service.training.decided_scores`, for the same household
support). Writes `bench/results/reviewed-<profile>-h<households>-s<seed>[-<draw>].json`
and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from typing import Any

import numpy as np

from bench import contingency
from bench.accuracy import DEFAULT_HOUSEHOLDS, DEFAULT_SEED
from bench.accuracy_tables import md_head, md_row
from bench.common import generated_set, save
from fixtures.names import NAMING_GROUPS
from fixtures.profiles import PROFILES
from matching import judging, learned
from matching.columns import Columns, build_columns
from matching.model import FSModel, default_model
from matching.pipeline import LinkResult, link
from models.queue_sample import in_sample, pair_draw, queue_place, record_digest
from service.linkfile import valid_columns
from service.memory import collector_paused
from service.pairs import review_unmerged
from service.registry import rescorer

DEFAULT_DECISIONS = 2000
DRAWS = {
    "random": "at random",
    "uncertain": "most uncertain first",
    "queue": "in the queue's order, one in ten at random",
}
"""Which pairs of the queue the reviewers decide (`drawn`), as the table says it."""
RUNS = {
    "fs": "Fellegi-Sunter alone",
    "decisions": "FS + the decisions",
    "learned": "learned model, decisions left out",
    "learned_and_decisions": "learned model + the decisions",
}


def _queue(result: LinkResult) -> np.ndarray:
    """Positions of the pairs a reviewer would see (`nrm link` puts them in the queue)."""
    bands, _ = review_unmerged(
        result.bands, result.a, result.b, result.clusters.to_review, result.scores.held
    )
    return np.flatnonzero(bands == "review")


def _measured(result: LinkResult, truth: contingency.Truth, seconds: float) -> dict[str, Any]:
    table = contingency.Table.of(contingency.codes(result.clusters.labels), truth.person)
    out = contingency.accuracy(table, truth, seconds)
    out["review_pairs_per_record"] = round(len(_queue(result)) / len(result.columns), 3)
    return out


def drawn(
    queue: np.ndarray,
    probability: np.ndarray,
    decisions: int,
    draw: str,
    seed: int,
    draws: np.ndarray | None = None,
) -> np.ndarray:
    """The positions of the pairs reviewers decide, in pair order: `random` from the
    queue; the `uncertain` ones (probability nearest 0.5) first, as the service's queue
    orders each of its groups (it puts children and tracing requests first, which the
    benchmark does not tell apart); or in the `queue`'s own order, where the pairs of its
    random share (`draws`, each queue pair's `models.queue_sample.pair_draw`) stand at a
    random place."""
    count = min(decisions, len(queue))
    if draw == "random":
        return np.sort(np.random.default_rng(seed).choice(queue, count, replace=False))
    if draw == "queue":
        if draws is None:
            raise ValueError("the queue's order needs each pair's draw")
        place = [queue_place(p, d) for p, d in zip(probability[queue], draws, strict=True)]
        order = np.argsort(np.asarray(place), kind="stable")
    else:
        order = np.argsort(np.abs(probability[queue] - 0.5), kind="stable")
    return np.sort(queue[order[:count]])


def queue_draws(
    columns: Columns, sources: dict[str, str], a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Each pair's `pair_draw`, its records named by source and id as the service names
    them (`sources`: each record id's source)."""
    ids = [str(i) for i in columns.ids]
    digest = [record_digest(sources[i], i) for i in ids]
    return np.array([pair_draw(digest[x], digest[y]) for x, y in zip(a, b, strict=True)])


def review_round(
    columns: Columns,
    truth: contingency.Truth,
    decisions: int,
    seed: int = 1,
    draw: str = "random",
    sources: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Link, decide `decisions` pairs of the queue by the truth, learn, link again.
    `sources` (each record id's source) names the records as the service does, for the
    queue's random share (`draw="queue"`)."""
    started = time.perf_counter()
    first = link(columns, default_model(), keep="review")
    runs = {"fs": _measured(first, truth, time.perf_counter() - started)}
    model: FSModel = first.model
    queue = _queue(first)
    draws = None
    if draw == "queue":
        draws = queue_draws(columns, sources or {}, first.a[queue], first.b[queue])
    chosen = drawn(queue, first.scores.probability, decisions, draw, seed, draws)
    sample = None
    if draws is not None:
        sample = np.isin(chosen, queue[in_sample(draws)])
    a, b = first.a[chosen], first.b[chosen]
    confirmed = truth.person[a] == truth.person[b]
    ids = columns.ids
    must = [(ids[x], ids[y]) for x, y in zip(a[confirmed], b[confirmed], strict=True)]
    cannot = [(ids[x], ids[y]) for x, y in zip(a[~confirmed], b[~confirmed], strict=True)]
    evidence = first.scores.take(chosen)
    del first
    report = judging.train(
        evidence,
        confirmed,
        evidence.probability,
        current_threshold=model.match_threshold,
        learned_threshold=model.match_threshold,
        corrects=model.version,
        sample=sample,
    )
    rescore = rescorer(model, report.model)
    again = {
        "decisions": {"must_link": must, "cannot_link": cannot},
        "learned": {"rescore": rescore},
        "learned_and_decisions": {"must_link": must, "cannot_link": cannot, "rescore": rescore},
    }
    for name, options in again.items():
        started = time.perf_counter()
        result = link(columns, model, fit=False, keep="review", **options)
        runs[name] = _measured(result, truth, time.perf_counter() - started)
    training = report.to_dict()
    return {
        "queue": len(queue),
        "draw": draw,
        "decisions": len(chosen),
        "confirmed": int(confirmed.sum()),
        "sampled": 0 if sample is None else int(sample.sum()),
        "training": {
            k: training[k]
            for k in (
                "better",
                "current",
                "learned",
                "holdout_size",
                "judged_on",
                "current_log_loss",
                "learned_log_loss",
                "recalibration",
            )
        },
        "coefficients": {
            name: round(weight, 3)
            for name, weight in sorted(
                report.model.coefficients.items(), key=lambda item: -abs(item[1])
            )[:8]
        },
        "fs_log_odds_coefficient": round(report.model.coefficients[learned.FS_FEATURE], 3),
        "runs": runs,
    }


def result_name(profile: str, households: int, seed: int, draw: str = "random") -> str:
    name = f"reviewed-{profile}-h{households}-s{seed}"
    return name if draw == "random" else f"{name}-{draw}"


def _cell(run: dict[str, Any]) -> str:
    p = run["pairwise"]
    return f"{p['precision']:.3f} / {p['recall']:.3f} / **{p['f1']:.3f}**"


def summary(documents: list[dict[str, Any]]) -> str:
    """One row per (profile, size, draw): P / R / F1 of each run, and what the model
    learned."""
    order = {name: k for k, name in enumerate(PROFILES)}
    draws = list(DRAWS)
    documents = sorted(
        documents,
        key=lambda d: (
            d["data"]["households"],
            order[d["data"]["profile"]],
            draws.index(d.get("draw", "random")),
        ),
    )
    names = ["profile", "records", "reviewers decide", "decisions (confirmed)"]
    names += [*RUNS.values(), "largest / truth's", "review pairs / record", "switched"]
    lines = md_head(names)
    for d in documents:
        runs = d["runs"]
        last = runs["learned_and_decisions"]
        fs_load = runs["fs"]["review_pairs_per_record"]
        lines.append(
            md_row(
                [
                    d["data"]["profile"],
                    f"{d['data']['records']:,}",
                    DRAWS[d.get("draw", "random")],
                    f"{d['decisions']:,} ({d['confirmed']:,})",
                    *(_cell(runs[name]) for name in RUNS),
                    f"{last['largest']['predicted']} / {last['largest']['truth']}",
                    f"{fs_load} → {last['review_pairs_per_record']}",
                    "yes" if d["training"]["better"] else "no",
                ]
            )
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reviewed")
    parser.add_argument("--households", type=int, default=DEFAULT_HOUSEHOLDS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--profile", choices=tuple(PROFILES), default="default")
    parser.add_argument("--decisions", type=int, default=DEFAULT_DECISIONS)
    parser.add_argument(
        "--draw", choices=tuple(DRAWS), default="random", help="which pairs of the queue"
    )
    args = parser.parse_args()
    data = generated_set(args.households, args.seed, args.profile)
    errors: list[str] = []
    with collector_paused():
        rows = valid_columns(data / "records.csv", errors)
        columns = build_columns(rows, "record_id", natural=True)
    if errors:
        raise SystemExit(f"{data}: {errors[:3]}")
    truth = contingency.read_truth(data / "truth.csv", [str(i) for i in columns.ids], NAMING_GROUPS)
    sources = None
    if args.draw == "queue":
        with (data / "records.csv").open(encoding="utf-8", newline="") as handle:
            sources = {row["record_id"]: row["source"] for row in csv.DictReader(handle)}
    document = {
        "data": {
            "households": args.households,
            "seed": args.seed,
            "records": len(columns),
            "profile": args.profile,
        },
        **review_round(columns, truth, args.decisions, draw=args.draw, sources=sources),
    }
    path = save(result_name(args.profile, args.households, args.seed, args.draw), document)
    print(summary([document]))
    print(json.dumps({k: document[k] for k in ("training", "coefficients")}, indent=1))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
