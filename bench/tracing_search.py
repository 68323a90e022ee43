"""Tracing requests benchmark: on a generated set imported and linked like any file, for
every tracing request whose sought person has records outside the request (identified,
returned, followed), is that person among the request's first 5 potential matches
(`GET /tracing/requests/{case_id}/matches`)? Also the p95 of one request's matches.

    python -m bench.tracing_search [--households 400] [--seed 11]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.common import generated_set, save
from models.store import Store
from service import Actor, Service

TOP = 5


def run(households: int, seed: int) -> dict[str, Any]:
    data = generated_set(households, seed)
    with (data / "truth.csv").open(encoding="utf-8") as handle:
        person_of = {row["record_id"]: row["person_id"] for row in csv.DictReader(handle)}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "bench.db"))
        service = Service(store)
        assert service.import_file(data / "records.csv", data / "relations.csv").ok
        records = store.list_records({"case_type": "tracing_request", "role": "sought"}, 200)
        sought = list(records.items)
        offset = len(sought)
        while offset < records.total:
            page = store.list_records(
                {"case_type": "tracing_request", "role": "sought"}, 200, offset
            )
            sought.extend(page.items)
            offset += len(page.items)
        entity_people: dict[str, set[str]] = defaultdict(set)
        for page_offset in range(0, store.count_records(), 200):
            for r in store.list_records({}, 200, page_offset).items:
                if r.case_type != "tracing_request":
                    entity_people[str(r.entity_id or r.id)].add(person_of[r.record_id])
        actor = Actor.operator("bench.tracing_search")
        found = asked = 0
        seconds = []
        for record in sought:
            truth = person_of[record.record_id]
            if not any(truth in people for people in entity_people.values()):
                continue  # the sought person is in no other file: nothing to find
            asked += 1
            started = time.perf_counter()
            matches = service.tracing_matches(actor, record.case_id, source=record.source, top=TOP)[
                "matches"
            ]
            seconds.append(time.perf_counter() - started)
            found += any(truth in entity_people.get(m["entity_id"], ()) for m in matches)
        store.close()
    seconds.sort()
    return {
        "households": households,
        "seed": seed,
        "requests_with_a_findable_person": asked,
        f"found_in_top_{TOP}": round(found / max(1, asked), 3),
        "p95_ms_matches": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 1)
        if seconds
        else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tracing_search")
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    results = run(args.households, args.seed)
    print(results)
    if not args.no_save:
        save("tracing_search", results)


if __name__ == "__main__":
    main()
