"""Review latency over HTTP: 1,000,000 records and 100,000 pending suggestions in PostgreSQL.

Two client processes work the queue at once, as two reviewers would. Each
round measures the queue's head (`GET /suggestions?limit=2`), one suggestion
side by side (`GET /suggestions/{id}`), the next suggestion side by side in
one call (`GET /suggestions/next`, what a reviewer's screen asks for), and a
decision with `If-Match` on it. Latencies are measured by the clients,
through `nrm serve --workers 2` (uvicorn) on this machine.

The suggestions are real scored pairs of the generated set: pairs of records
of one person (from the truth file) and pairs of neighbours in name order
that are different people (namesakes), scored by the model and all put in
the queue. Run: `python -m bench.review_latency [--households 250000]
[--suggestions 100000] [--decisions 500]`.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import func, select

from bench.common import ROOT, create_postgres_database, generated_set, save
from matching.text import name_key
from models.store import Store
from models.tables import person_records, suggestions
from models.users import UserRole
from service.registry import active_model
from service.scoring import reasons_of, score_pairs, suggestion_row

TARGET_MS = 50.0
PORT = 8765


def _import(records: Path, url: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "api.cli",
            "import",
            str(records),
            "--no-link",
            "--json",
            "--db",
            url,
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _build_suggestions(store: Store, data: Path, count: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    with store.engine.connect() as c:
        rows = c.execute(
            select(person_records.c.id, person_records.c.record_id, person_records.c.full_name)
        ).all()
    ids = {r.record_id: r.id for r in rows}
    truth = {
        r["record_id"]: r["person_id"]
        for r in csv.DictReader((data / "truth.csv").open(encoding="utf-8"))
    }
    by_person: dict[str, list[str]] = {}
    for record_id, person in truth.items():
        by_person.setdefault(person, []).append(record_id)
    rng = random.Random(seed)
    same = [(m[i], m[i + 1]) for m in by_person.values() for i in range(len(m) - 1)]
    rng.shuffle(same)
    wanted_same = count * 6 // 10
    pairs = same[:wanted_same]
    ordered = sorted(rows, key=lambda r: name_key(r.full_name or ""))
    namesakes = [
        (x.record_id, y.record_id)
        for x, y in itertools.pairwise(ordered)
        if truth.get(x.record_id) != truth.get(y.record_id)
    ]
    rng.shuffle(namesakes)
    pairs += namesakes[: count - len(pairs)]
    pairs = [(ids[x], ids[y]) for x, y in pairs if x in ids and y in ids]
    pairs = [tuple(sorted(p, key=str)) for p in pairs]
    records = store.records_by_ids({i for p in pairs for i in p})
    model = active_model(store)
    columns, a, b, scores = score_pairs(records, pairs, model, len(rows))
    by_id = {r.id: r.model_dump() for r in records}
    suggestions = []
    for k, (x, y) in enumerate(pairs):
        probability = float(scores.probability[k])
        scored = {
            "record_a": x,
            "record_b": y,
            "probability": probability,
            "model_version": model.version,
            "reasons": reasons_of(columns, int(a[k]), int(b[k]), scores, k),
        }
        suggestions.append(suggestion_row(scored, by_id[x], by_id[y]))
    store.sync_suggestions(suggestions, scope=None)
    return {"suggestions": len(suggestions), "seconds": round(time.perf_counter() - started, 1)}


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50": at(0.5),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": round(statistics.fmean(ordered), 1),
    }


def _client(args: tuple[str, int, int, int]) -> dict[str, Any]:
    token, index, decisions, seed = args
    rng = random.Random(seed + index)
    base = f"http://127.0.0.1:{PORT}"
    session = requests.Session()
    session.trust_env = False  # no proxy lookup in the environment on every request
    session.headers["Authorization"] = f"Bearer {token}"
    timings: dict[str, list[float]] = {"queue": [], "detail": [], "next": [], "decision": []}
    statuses: dict[int, int] = {}
    for _ in range(decisions):
        started = time.perf_counter()
        page = session.get(f"{base}/suggestions", params={"limit": 2}).json()["items"]
        queued = time.perf_counter()
        session.get(f"{base}/suggestions/{page[index % len(page)]['id']}")
        shown = time.perf_counter()
        detail = session.get(f"{base}/suggestions/next", params={"skip": index})
        item = detail.json()
        fetched = time.perf_counter()
        decision = rng.choice(["match", "non_match", "unsure", "non_match"])
        response = session.post(
            f"{base}/suggestions/{item['id']}/decision",
            json={"decision": decision, "note": "banc d'essai"},
            headers={"If-Match": detail.headers["ETag"]},
        )
        done = time.perf_counter()
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        timings["queue"].append((queued - started) * 1000)
        timings["detail"].append((shown - queued) * 1000)
        timings["next"].append((fetched - shown) * 1000)
        timings["decision"].append((done - fetched) * 1000)
    return {"timings": timings, "statuses": statuses}


def _serve(url: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "serve",
            "--port",
            str(PORT),
            "--workers",
            "2",
            "--db",
            url,
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # two clients page the queue far faster than a reviewer: measure latency, not the
        # per-user list limit (its counter's upsert is still paid on every list)
        env={**os.environ, "NRM_LIST_PER_MINUTE": "1000000"},
    )
    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/health", timeout=1).ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--suggestions", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=500, help="per client")
    parser.add_argument(
        "--database",
        default=None,
        help="reuse a database an earlier run prepared (its URL is in the results)",
    )
    args = parser.parse_args()
    data = generated_set(args.households, args.seed)
    import_seconds = None
    if args.database:
        url = args.database
        store = Store.open(url)
        with store.engine.connect() as c:
            pending = c.execute(
                select(func.count()).where(suggestions.c.status == "pending")
            ).scalar_one()
        built = {"suggestions": pending}
    else:
        url = create_postgres_database("nrm_review")
        import_seconds = _import(data / "records.csv", url)
        store = Store.open(url)
        built = _build_suggestions(store, data, args.suggestions, args.seed)
    records = store.count_records()
    stamp = uuid.uuid4().hex[:6]
    tokens = [store.add_user(f"reviewer-{i}-{stamp}", UserRole.REVIEWER)[1] for i in range(2)]
    server = _serve(url)
    try:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            results = pool.map(
                _client, [(tokens[i], i, args.decisions, args.seed) for i in range(2)]
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    merged = {k: [v for r in results for v in r["timings"][k]] for k in results[0]["timings"]}
    statuses: dict[str, int] = {}
    for r in results:
        for code, n in r["statuses"].items():
            statuses[str(code)] = statuses.get(str(code), 0) + n
    document = {
        "database": "postgresql",
        "records": records,
        "pending_suggestions": built["suggestions"],
        "database_url": url,
        "setup": {
            "import_seconds": round(import_seconds, 1) if import_seconds else None,
            "suggestions": built,
        },
        "clients": 2,
        "decisions_per_client": args.decisions,
        "latency_ms": {k: _percentiles(v) for k, v in merged.items()},
        "decision_statuses": statuses,
        "target_p95_ms": TARGET_MS,
    }
    path = save("review_latency", document)
    print(f"{records} records, {built['suggestions']} suggestions → {path}")
    print("| step | n | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    for step, stats in document["latency_ms"].items():
        print(f"| {step} | {stats['n']} | {stats['p50']} | {stats['p95']} | {stats['p99']} |")
    print(f"decision answers: {statuses}")


if __name__ == "__main__":
    main()
