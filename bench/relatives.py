"""Relatives benchmark: on a generated set imported and linked like any file
(`nrm import records.csv --relations relations.csv`), ask the relatives of every record
(or a sample) and compare with the truth, per naming group:

* recall@10 of the true parents, full siblings and half-siblings present in the data;
* precision@1: the first relative proposed is a true relative (any kind);
* kind accuracy: of the true relatives found in the top 10, the share with the right kind.

Twice: with the relations file, and inferred only (the declared relations ignored), since
an independent set may declare few relations. With the relations file the relatives are
read as the use case reads them, from the persisted family graph around the person
(`service.kingraph.neighbourhood`); inferred only, from the same graph built in memory
without the declarations.

    python -m bench.relatives [--households 400] [--seed 11] [--queries 1500]
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import generated_set, save
from models.store import Store
from service import Actor, Service
from service.kingraph import load, neighbourhood, rebuild_graph
from tracing.graph import FamilyGraph, Population
from tracing.infer import infer_for
from tracing.relatives import relatives
from tracing.stored import assemble, declared_rows, inferred_rows

MEASURED = {"mother": "parents", "father": "parents", "sibling": "full", "half_sibling": "half"}
TOP = 10
LATENCY_QUERIES = 100  # timed on a population whose inferences are not cached yet
END_TO_END_QUERIES = 30


def _truth(directory: Path) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, str]]]:
    person_of, group_of = {}, {}
    with (directory / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            person_of[row["record_id"]] = row["person_id"]
            group_of[row["person_id"]] = row["naming_group"]
    kin: dict[str, dict[str, str]] = defaultdict(dict)
    with (directory / "truth_relations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kin[row["person_id"]][row["related_person_id"]] = row["relation"]
    return person_of, group_of, kin


def evaluate(
    graph_of: Callable[[str], FamilyGraph],
    queries: list[Any],
    person_of: dict[str, str],
    group_of: dict[str, str],
    kin: dict[str, dict[str, str]],
) -> dict[str, Any]:
    found: dict[str, Counter[str]] = defaultdict(Counter)
    wanted: dict[str, Counter[str]] = defaultdict(Counter)
    first_right: Counter[str] = Counter()
    first_asked: Counter[str] = Counter()
    kind_right: Counter[str] = Counter()
    kind_hits: Counter[str] = Counter()
    seconds: list[float] = []
    for record in queries:
        truth_person = person_of[record.record_id]
        group = group_of[truth_person]
        true = kin.get(truth_person, {})
        # recall@TOP: the suspects listed below the top ones are not counted
        answer = relatives(graph_of(record.person), record.person, TOP)[:TOP]
        shown = [(person_of[r.record.record_id], r.relation) for r in answer]
        shown_people = {p: kind for p, kind in reversed(shown)}
        for relative, relation in true.items():
            if relation not in MEASURED:
                continue
            for key in (group, "all"):
                wanted[key][MEASURED[relation]] += 1
                wanted[key]["measured"] += 1
                if relative in shown_people:
                    found[key][MEASURED[relation]] += 1
                    found[key]["measured"] += 1
        for relative, kind in shown_people.items():
            if relative in true:
                for key in (group, "all"):
                    kind_hits[key] += 1
                    kind_right[key] += kind == true[relative]
        if true and shown:
            for key in (group, "all"):
                first_asked[key] += 1
                first_right[key] += shown[0][0] in true
    out: dict[str, Any] = {}
    for key in sorted(wanted):
        out[key] = {
            **{
                f"recall@{TOP}_{part}": round(found[key][part] / wanted[key][part], 3)
                for part in ("parents", "full", "half", "measured")
                if wanted[key][part]
            },
            "true_relatives": wanted[key]["measured"],
            "precision@1": round(first_right[key] / max(1, first_asked[key]), 3),
            "kind_accuracy": round(kind_right[key] / max(1, kind_hits[key]), 3),
        }
    for record in queries[:LATENCY_QUERIES]:
        started = time.perf_counter()
        relatives(graph_of(record.person), record.person, TOP)
        seconds.append(time.perf_counter() - started)
    out["all"]["p95_ms_graph_and_rank"] = _p95_ms(seconds)
    out["all"]["queries"] = len(queries)
    return out


def whole_graph(records: list[Any], relations: list[Any]) -> FamilyGraph:
    """The graph the store persists, built in memory (every person's inferences)."""
    population = Population.build(records, relations)
    rows = declared_rows(relations, population.person_of)
    for person in sorted(population.profiles):
        rows += inferred_rows(person, infer_for(population.index, person))
    return assemble(population.profiles, rows)


def _p95_ms(seconds: list[float]) -> float:
    seconds = sorted(seconds)
    return round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 1)


def end_to_end(store: Store, records: list[Any]) -> float:
    """p95 of the whole use case (`nrm relatives` without the process start): read the
    store, build the persons, infer around the one asked about, rank, audit."""
    actor = Actor.operator("bench.relatives")
    seconds = []
    for record in records[:END_TO_END_QUERIES]:
        started = time.perf_counter()
        Service(store).relatives_of_record(actor, record.record_id, source=record.source)
        seconds.append(time.perf_counter() - started)
    return _p95_ms(seconds)


def run(households: int, seed: int, queries: int) -> dict[str, Any]:
    data = generated_set(households, seed)
    person_of, group_of, kin = _truth(data)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "bench.db"))
        started = time.perf_counter()
        report = Service(store).import_file(data / "records.csv", data / "relations.csv")
        assert report.ok, report.as_dict()
        imported = time.perf_counter() - started
        records, _ = load(store)
        # By the organisations' own ids: the store's order follows random internal ids,
        # which would draw other queries on every run.
        ordered = sorted(records, key=lambda r: (r.source, r.record_id))
        sample = random.Random(seed).sample(ordered, min(queries, len(records)))
        use_case_p95 = end_to_end(store, sample)
        results: dict[str, Any] = {
            "households": households,
            "seed": seed,
            "records": len(records),
            "import_and_link_seconds": round(imported, 1),
            "p95_ms_use_case": use_case_p95,
        }
        started = time.perf_counter()
        rebuilt = rebuild_graph(store)
        results["with_relations"] = {
            "graph_rebuild_seconds": round(time.perf_counter() - started, 2),
            "graph_edges": rebuilt["edges"],
            **evaluate(
                lambda person: neighbourhood(store, person), sample, person_of, group_of, kin
            ),
        }
        store.close()
    started = time.perf_counter()
    inferred = whole_graph(records, [])
    results["inferred_only"] = {
        "graph_build_seconds": round(time.perf_counter() - started, 2),
        **evaluate(lambda _: inferred, sample, person_of, group_of, kin),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relatives")
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    results = run(args.households, args.seed, args.queries)
    for label in ("with_relations", "inferred_only"):
        print(label)
        for group, figures in results[label].items():
            if isinstance(figures, dict):
                print(f"  {group:16} {figures}")
    if not args.no_save:
        save("relatives", results)


if __name__ == "__main__":
    main()
