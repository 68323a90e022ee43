"""Incremental matching: latency of linking one new record against a stored population.

The population (a generated set minus 100 held-out records) is imported and
linked in batch (`relink_all`); then each held-out record is imported alone
and linked through the same code path as `nrm import`. Reported: p50/p95 of
the linking step (candidates from the stored blocking-key index, scoring,
entity assignment), its CPU time, each of its steps (`link_import`'s
`timings_ms`) and the whole single-record import.

The held-out records are linked in a fresh process, started after the
population is stored, on a copy of it: nothing parsed while linking the
population in batch is in that process's caches, as in a server that has just
started (the records are linked one after another, so later ones find the
parses of earlier ones' candidates when they share them; `first_ms` is the very
first record, which also loads the reference data). The database pages are as
the copy left them in the OS cache. `--hot-pages` adds a run whose pages were
read beforehand (a database in use), `--warm N` one whose process first
matched N stored records without writing (a server that has been linking).

Building a population of 1,000,000 records takes half an hour and ~16 GB, so a
prepared store can be kept and reused: `--sqlite-store PATH` (built there when
missing) and `--database URL` (a PostgreSQL database, built when missing or
empty; by copying the `--sqlite-store` when that one is prepared). Each run
works on a copy of the prepared store (a file copy; `CREATE DATABASE ...
TEMPLATE`), dropped afterwards, so the prepared one never changes.
Run: `python -m bench.incremental [--households 25000] [--postgres]
[--sqlite-store PATH] [--database URL] [--no-sqlite] [--hot-pages] [--warm N]
[--without-prepared]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, text

from bench.common import (
    POSTGRES,
    RESULTS,
    ROOT,
    generated_set,
    machine,
    save,
    scratch_postgres_database,
)
from matching.blocking import block_cap
from matching.columns import build_columns
from matching.pipeline import match_new
from matching.record_keys import all_record_keys
from models.store import Store
from models.store.linking import candidate_records
from models.tables import blocking_keys, metadata, person_records, prepared_values
from service.importing import import_records
from service.linking import MATCH_FIELDS, link_import
from service.registry import active_model
from service.relinking import relink_all

HELD_OUT = 100
TARGET_P95_MS = 50


def _split(records: Path, folder: Path) -> tuple[Path, list[Path]]:
    with records.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    population = folder / "population.csv"
    with population.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows[:-HELD_OUT])
    singles = []
    for k, row in enumerate(rows[-HELD_OUT:]):
        path = folder / f"single-{k:03d}.csv"
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerow(row)
        singles.append(path)
    return population, singles


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(_percentile(values, 0.95), 1),
    }


def build(store: Store, population: Path) -> dict[str, Any]:
    """Import the population and link it in batch: the store the new records meet."""
    started = time.perf_counter()
    report = import_records(store, population)
    assert report.ok, report.errors[:3]
    loaded = time.perf_counter()
    summary = relink_all(store)
    linked = time.perf_counter()
    return {
        "population": summary["records"],
        "import_seconds": round(loaded - started, 1),
        "batch_link_seconds": round(linked - loaded, 1),
    }


def warm_up(store: Store, count: int) -> float:
    """Match `count` stored records, drawn at random, against their candidates, writing
    nothing: the caches of a process that has linked as many records (reference data
    loaded, the names and places of their candidates parsed). Returns the seconds spent."""
    started = time.perf_counter()
    model = active_model(store)
    population = store.estimated_record_count()
    with store.engine.connect() as c:
        ids = c.execute(select(person_records.c.id).order_by(func.random()).limit(count))
        for record_id in ids.scalars().all():
            keys = c.execute(
                select(blocking_keys.c.key).where(blocking_keys.c.record_id == record_id)
            ).scalars()
            found = candidate_records(c, list(keys), block_cap, MATCH_FIELDS)
            own = [r for r in found if r["id"] == record_id]
            others = [r for r in found if r["id"] != record_id]
            if own:
                match_new(own, others, model, population_size=population)
    return time.perf_counter() - started


def measure_singles(url: str, singles: list[Path], warm: int = 0) -> dict[str, Any]:
    """Import and link each held-out record alone (in this process), timing every step;
    after `warm_up(warm)` when `warm` is given."""
    store = Store.open(url)
    warmed = warm_up(store, warm) if warm else None
    link_ms: list[float] = []
    cpu_ms: list[float] = []
    total_ms: list[float] = []
    steps: dict[str, list[float]] = {}
    candidates: list[int] = []
    for path in singles:
        t0 = time.perf_counter()
        single = import_records(store, path)
        assert single.counts is not None
        t1, cpu = time.perf_counter(), time.process_time()
        summary = link_import(store, single.counts.import_id)
        t2 = time.perf_counter()
        cpu_ms.append((time.process_time() - cpu) * 1000)
        link_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
        candidates.append(summary.get("candidates", 0))
        for step, ms in summary.get("timings_ms", {}).items():
            steps.setdefault(step, []).append(ms)
    store.close()
    return {
        "link_ms": {
            **_summary(link_ms),
            "first_ms": round(link_ms[0], 1),
            "slowest_with_candidates": sorted(
                ([round(ms, 1), n] for ms, n in zip(link_ms, candidates, strict=True)),
                reverse=True,
            )[:4],
        },
        "link_cpu_ms": _summary(cpu_ms),
        "import_and_link_ms": _summary(total_ms),
        "steps_ms": {step: _summary(values) for step, values in steps.items()},
        "candidates": {
            "p50": statistics.median(candidates),
            "max": max(candidates),
            "at_least_250": sum(n >= 250 for n in candidates),
        },
        "load_average": round(os.getloadavg()[0], 2),
        **({"warm_up": {"records": warm, "seconds": round(warmed, 1)}} if warmed else {}),
    }


def _measure_fresh(url: str, singles: list[Path], warm: int = 0) -> dict[str, Any]:
    """`measure_singles` in a new Python process: no cache warmed by building the store."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.incremental",
            "--warm",
            str(warm),
            "--measure",
            url,
            *map(str, singles),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-4000:])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _population_size(url: str) -> int:
    store = Store.open(url)
    try:
        return store.count_records()
    finally:
        store.close()


def _match_rows(c: Any, condition: Any = None) -> list[dict[str, Any]]:
    query = select(*(person_records.c[f] for f in MATCH_FIELDS)).order_by(person_records.c.id)
    if condition is not None:
        query = query.where(condition)
    return [dict(zip(MATCH_FIELDS, r, strict=True)) for r in c.execute(query)]


def keys_are_current(url: str, cases: int = 100) -> bool:
    """Whether the stored blocking keys are those the code computes now, on a sample of
    cases (a record's keys read its case's villages and families). A store prepared
    before `matching.record_keys` changed would give new records other candidates."""
    store = Store.open(url, migrate=False)
    try:
        with store.engine.connect() as c:
            sample = c.execute(
                select(person_records.c.source, person_records.c.case_id)
                .where(person_records.c.case_id.is_not(None))
                .order_by(func.random())
                .limit(cases)
            ).all()
            rows = [
                row
                for source, case_id in sample
                for row in _match_rows(
                    c, (person_records.c.source == source) & (person_records.c.case_id == case_id)
                )
            ]
            stored: dict[Any, set[str]] = {}
            for chunk in range(0, len(rows), 500):
                ids = [r["id"] for r in rows[chunk : chunk + 500]]
                found = c.execute(
                    select(blocking_keys.c.record_id, blocking_keys.c.key).where(
                        blocking_keys.c.record_id.in_(ids)
                    )
                )
                for record_id, key in found:
                    stored.setdefault(record_id, set()).add(key)
    finally:
        store.close()
    keys = all_record_keys(build_columns(rows))
    return all(set(k) == stored.get(r["id"], set()) for r, k in zip(rows, keys, strict=True))


def rekey_sqlite(path: Path) -> float:
    """Compute every record's blocking keys with the code as it is and store them instead
    of the old ones (matching pairs, suggestions and entities stay those of the batch
    link that built the store). Returns the seconds spent."""
    started = time.perf_counter()
    store = Store.open(str(path), migrate=False)
    with store.engine.connect() as c:
        rows = _match_rows(c)
    store.close()
    keys = all_record_keys(build_columns(rows))
    pairs = sorted({(k, r["id"].hex) for r, ks in zip(rows, keys, strict=True) for k in ks})
    del rows, keys
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM blocking_keys")
        connection.executemany("INSERT INTO blocking_keys (key, record_id) VALUES (?, ?)", pairs)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started


# SQLite ---------------------------------------------------------------------


def prepared_sqlite(path: Path, population: Path, expected: int) -> dict[str, Any]:
    """The SQLite store of the population at `path`, built there when missing."""
    info = path.with_name(path.name + ".build.json")
    if path.exists():
        found = _population_size(str(path))
        if found != expected:
            raise SystemExit(f"{path} holds {found} records, not the {expected} expected")
        built = json.loads(info.read_text()) if info.exists() else {"population": found}
        if not keys_are_current(str(path)):
            print(f"{path}: blocking keys from older code, computing them again", flush=True)
            built["keys_rebuilt"] = {
                "at": machine()["date"],
                "seconds": round(rekey_sqlite(path), 1),
            }
            info.write_text(json.dumps(built) + "\n")
        return {**built, "reused": True}
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store.open(str(path))
    built = build(store, population)
    store.close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    info.write_text(json.dumps(built) + "\n")
    return {**built, "reused": False}


@contextmanager
def sqlite_copy(path: Path, folder: Path) -> Iterator[str]:
    """A scratch copy of a prepared SQLite store (checkpointed: one file), on disk before
    it is measured: a store in use has long been written out, and the first checkpoint
    of a copy still in the page cache waits for all of its gigabytes (a second, once)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = folder / "measured.db"
    shutil.copyfile(path, copy)
    with copy.open("rb+") as written:
        os.fsync(written.fileno())
    try:
        yield str(copy)
    finally:
        for leftover in folder.glob("measured.db*"):
            leftover.unlink()


# PostgreSQL -----------------------------------------------------------------


def _admin(sql: str) -> None:
    subprocess.run(["psql", POSTGRES, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def prepared_postgres(
    url: str, population: Path, expected: int, source: Path | None = None
) -> dict[str, Any]:
    """The PostgreSQL database of the population at `url`, created and built when missing or
    empty: by copying the prepared SQLite store `source` when given, else by importing and
    linking the population."""
    name = url.rsplit("/", 1)[1]
    exists = subprocess.run(
        ["psql", POSTGRES, "-tAq", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        _admin(f"CREATE DATABASE {name}")
    store = Store.open(url)
    try:
        found = store.count_records()
        if found:
            if found != expected:
                raise SystemExit(f"{url} holds {found} records, not the {expected} expected")
            with store.engine.connect() as c:
                comment = c.execute(
                    text(
                        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                        "WHERE datname = :name"
                    ),
                    {"name": name},
                ).scalar()
            built = json.loads(comment) if comment else {"population": found}
            if not keys_are_current(url):
                raise SystemExit(
                    f"{url}: blocking keys from older code; drop it to have it built again "
                    "(from the --sqlite-store, whose keys are recomputed when stale)"
                )
            return {**built, "reused": True}
        if source is None:
            built = build(store, population)
        else:
            started = time.perf_counter()
            copy_sqlite_to_postgres(source, url)
            info = source.with_name(source.name + ".build.json")
            built = {
                **(json.loads(info.read_text()) if info.exists() else {"population": expected}),
                "built_by": "copy of the prepared SQLite store",
                "copy_seconds": round(time.perf_counter() - started, 1),
            }
    finally:
        store.close()
    _vacuum_analyze(url)
    _admin(f"COMMENT ON DATABASE {name} IS '{json.dumps(built)}'")
    return {**built, "reused": False}


@contextmanager
def postgres_copy(url: str) -> Iterator[str]:
    """A scratch database cloned from a prepared one (file copy), dropped afterwards."""
    template = url.rsplit("/", 1)[1]
    scratch = f"nrm_bench_{uuid.uuid4().hex[:8]}"
    _admin(f"CREATE DATABASE {scratch} TEMPLATE {template} STRATEGY FILE_COPY")
    try:
        yield url.rsplit("/", 1)[0] + "/" + scratch
    finally:
        _admin(f"DROP DATABASE IF EXISTS {scratch}")


def copy_sqlite_to_postgres(path: Path, url: str) -> None:
    """Fill an empty, migrated PostgreSQL database with every row of a SQLite store.

    The same population, linked once: building it again on PostgreSQL (import and
    batch link of a million records) takes half an hour and ~16 GB. Values go as
    the text SQLite holds (hex ids, ISO dates, 0/1, JSON), which PostgreSQL parses
    by column type; foreign keys are not re-checked (`session_replication_role`).
    """
    source = sqlite3.connect(path)
    store = Store.open(url)
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")
        for table in metadata.sorted_tables:
            names = ", ".join(f'"{c.name}"' for c in table.columns)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {names} FROM {table.name}"):
                    copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
        store.close()
        source.close()


def _vacuum_analyze(url: str) -> None:
    store = Store.open(url, migrate=False)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    store.close()


SQLITE_PRELOAD = (
    "SELECT count(*) FROM blocking_keys WHERE key >= ''",
    "SELECT count(*) FROM person_records WHERE id >= ''",
    "SELECT max(length(full_name)) FROM person_records",
    "SELECT count(*) FROM match_pairs WHERE record_a >= ''",
    "SELECT count(*) FROM match_pairs WHERE record_b >= ''",
    "SELECT count(*) FROM suggestions WHERE record_a >= ''",
    "SELECT count(*) FROM suggestions WHERE record_b >= ''",
    "SELECT count(*) FROM prepared_values WHERE kind >= ''",
)
POSTGRES_PRELOAD = (
    "pk_blocking_keys",
    "person_records",
    "person_records_pkey",
    "pk_match_pairs",
    "ix_match_pairs_record_b",
    "uq_suggestions_pair",
    "ix_suggestions_record_b",
    "pk_prepared_values",
)


def preload(url: str) -> None:
    """Read the pages linking looks up (the blocking-key index, the records, the pair and
    suggestion indexes) into the operating system's cache, as a database in use holds
    them; in another process, so the measuring one starts with empty caches of its own."""
    store = Store.open(url, migrate=False)
    with store.engine.connect() as c:
        if store.dialect == "sqlite":
            for statement in SQLITE_PRELOAD:
                c.exec_driver_sql(statement).all()
        else:
            c.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            for relation in POSTGRES_PRELOAD:
                c.execute(text("SELECT pg_prewarm(:r, 'read')"), {"r": relation})
            c.commit()
    store.close()


def forget_prepared(url: str) -> None:
    """Delete the store's prepared values (`matching.prepared`), its version kept: linking
    then parses every candidate, as before they were kept, and stores them again."""
    store = Store.open(url, migrate=False)
    with store.engine.begin() as c:
        c.execute(delete(prepared_values))
    store.close()


def _save(households: int, results: dict[str, Any]) -> Path:
    """incremental.json: this run's results (keeping another database's results of the same
    population when only one was measured) and, under `other_populations`, the latest
    results of the other sizes measured."""
    path = RESULTS / "incremental.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    others = previous.get("other_populations", {})
    if "households" in previous:
        others[str(previous["households"])] = previous.get("results", {})
    merged = {**others.pop(str(households), {}), **results}
    return save(
        "incremental",
        {
            "households": households,
            "results": merged,
            "target_p95_ms": TARGET_P95_MS,
            "method": "each held-out record imported and linked alone, one after another, in a "
            "fresh process, on a copy of the prepared store (`pages`: whether the pages "
            "linking reads were preloaded into the OS cache first; `warm_process`: the "
            "process first matched that many stored records)",
            "other_populations": others,
        },
    )


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=25000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true", help="measure PostgreSQL only")
    parser.add_argument(
        "--sqlite-store",
        type=Path,
        default=None,
        help="prepared SQLite store of the population: reused if present, else built and kept",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="prepared PostgreSQL database: reused if it holds records, else built and kept "
        "(implies --postgres); built by copying --sqlite-store when that one is prepared",
    )
    parser.add_argument(
        "--hot-pages",
        action="store_true",
        help="preload the pages linking reads into the OS cache before measuring",
    )
    parser.add_argument(
        "--warm",
        type=int,
        default=0,
        help="also measure, on another copy, a process that first matched this many stored "
        "records (written nothing) as a server that has been linking for a while",
    )
    parser.add_argument(
        "--without-prepared",
        action="store_true",
        help="also measure, on another copy, the store with its prepared values deleted "
        "(as a store linked before they were kept)",
    )
    parser.add_argument("--measure", nargs="+", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        url, *singles = args.measure
        print(json.dumps(measure_singles(url, [Path(s) for s in singles], args.warm)))
        return
    records = generated_set(args.households, args.seed) / "records.csv"
    variants = [("fresh", 0, False)]
    if args.hot_pages:
        variants.append(("hot_pages", 0, True))
    if args.warm:
        variants.append(("warm_process", args.warm, args.hot_pages))
    if args.without_prepared:
        variants.append(("without_prepared", 0, False))
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        population, singles = _split(records, folder)
        expected = sum(1 for _ in population.open(encoding="utf-8")) - 1
        sqlite_path = args.sqlite_store or folder / "population.db"
        if not args.no_sqlite:
            built = prepared_sqlite(sqlite_path, population, expected)
            runs = {}
            for variant, warm, hot in variants:
                with sqlite_copy(sqlite_path, folder) as url:
                    if variant == "without_prepared":
                        forget_prepared(url)
                    if hot:
                        preload(url)
                    runs[variant] = {**_pages(hot), **_measure_fresh(url, singles, warm)}
            results["sqlite"] = {
                **built,
                "store": str(args.sqlite_store) if args.sqlite_store else None,
                **_variants(runs),
            }
            print(json.dumps({"sqlite": results["sqlite"]}), flush=True)
        if args.postgres or args.database:
            source = (
                args.sqlite_store
                if args.database and args.sqlite_store and args.sqlite_store.exists()
                else None
            )
            with _given(args.database) if args.database else scratch_postgres_database() as url:
                built = prepared_postgres(url, population, expected, source)
                runs = {}
                for variant, warm, hot in variants:
                    with postgres_copy(url) as copy:
                        if variant == "without_prepared":
                            forget_prepared(copy)
                        if hot:
                            preload(copy)
                        runs[variant] = {**_pages(hot), **_measure_fresh(copy, singles, warm)}
            results["postgresql"] = {**built, "database_url": args.database, **_variants(runs)}
            print(json.dumps({"postgresql": results["postgresql"]}), flush=True)
    print(f"saved {_save(args.households, results)}")


def _pages(hot: bool) -> dict[str, str]:
    return {"pages": "preloaded" if hot else "as left by the copy"}


def _variants(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The fresh-process run on pages as the copy left them is the result (the cold
    figure); the other runs go beside it."""
    return {**runs.pop("fresh"), "measured_at": machine()["date"], **runs}


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
