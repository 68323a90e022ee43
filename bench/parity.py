"""Files arriving over time against one batch: the persons after split imports compared
with those of `nrm link` over the same records, on SQLite and PostgreSQL.

Run: `python -m bench.parity [--households 6000] [--seed 2026] [--profile default]
[--db sqlite,postgresql] [--rules cost,no_cost]`. The generated set is split by whole
cases (a case never straddles two files, as an organisation's monthly file holds whole
cases) into:
two files (60% then 40%), ten files of a tenth, and one file of all but 20 records
followed by 20 imports of one record each. Each split is imported file after file into
a fresh store, as `nrm import` does (rule ``cost``), and again linking incrementally
wherever the rule before the cost was weighed did (``no_cost``: only the first import, one
that brings half the population or one after its doubling link the whole population).
Reported per split, rule and database: how each import was linked, pairwise F1 of the
persons against the batch's (1.0: the same persons), precision / recall / F1 of each
against the truth, the largest person, records left without a person, and seconds.
Writes `bench/results/parity.json`.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import contingency
from bench.common import generated_set, save, scratch_postgres_database
from fixtures.names import NAMING_GROUPS
from models.store import Store
from service import Service, linking
from service.linkfile import link_file

SPLITS = ("halves_60_40", "tenths", "singles_20")


def _rows(records: Path) -> tuple[list[str], list[dict[str, str]]]:
    with records.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(paths: list[Path], header: list[str], groups: list[list[dict[str, str]]]) -> None:
    for path, group in zip(paths, groups, strict=True):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(group)


def split_by_case(records: Path, out: Path, shares: list[float], seed: int) -> list[Path]:
    """Files of whole cases, about `shares` of the cases each, in that order."""
    header, rows = _rows(records)

    def case(row: dict[str, str]) -> tuple[str, str]:
        return row["source"], row["case_id"] or row["record_id"]

    cases = sorted({case(r) for r in rows})
    random.Random(seed).shuffle(cases)
    part_of: dict[tuple[str, str], int] = {}
    start = 0
    for number, share in enumerate(shares):
        end = len(cases) if number == len(shares) - 1 else start + round(share * len(cases))
        part_of.update({c: number for c in cases[start:end]})
        start = end
    groups: list[list[dict[str, str]]] = [[] for _ in shares]
    for row in rows:
        groups[part_of[case(row)]].append(row)
    paths = [out / f"part-{number:02d}.csv" for number in range(len(shares))]
    _write(paths, header, groups)
    return paths


def singles(records: Path, out: Path, count: int, seed: int) -> list[Path]:
    """All records but `count` chosen ones in one file, then one file per chosen record."""
    header, rows = _rows(records)
    chosen = set(random.Random(seed).sample(range(len(rows)), count))
    paths = [out / "bulk.csv", *(out / f"single-{k:02d}.csv" for k in range(count))]
    groups = [[r for k, r in enumerate(rows) if k not in chosen]]
    groups += [[rows[k]] for k in sorted(chosen)]
    _write(paths, header, groups)
    return paths


def _files(split: str, records: Path, out: Path, seed: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    if split == "halves_60_40":
        return split_by_case(records, out, [0.6, 0.4], seed)
    if split == "tenths":
        return split_by_case(records, out, [0.1] * 10, seed)
    return singles(records, out, 20, seed)


def _import_all(
    store: Store, files: list[Path], rule: str
) -> tuple[dict[str, str], float, dict[str, int]]:
    """Import the files one after the other; the persons after the last, the seconds and
    how each import was linked (``incremental`` or why it linked the whole population).

    ``rule`` ``no_cost``: an import links incrementally unless it is the first, brings
    half the population or follows its doubling (the rule before the cost was weighed),
    so that the incremental path is measured at sizes where a relink is cheaper."""
    service = Service(store)
    started = time.perf_counter()
    modes: Counter[str] = Counter()
    cost = linking.INCREMENTAL_MS_PER_RECORD
    linking.INCREMENTAL_MS_PER_RECORD = 0.0 if rule == "no_cost" else cost
    try:
        for path in files:
            report = service.import_file(path)
            if not report.ok:
                raise RuntimeError(f"{path}: {report.errors[:3]}")
            modes[(report.linked or {}).get("because") or "incremental"] += 1
    finally:
        linking.INCREMENTAL_MS_PER_RECORD = cost
    seconds = time.perf_counter() - started
    persons = {r.record_id: str(r.entity_id) for r in store.iter_records()}
    return persons, seconds, dict(modes)


def _measure(
    persons: dict[str, str], batch: dict[str, str], ids: list[str], truth: contingency.Truth
) -> dict[str, Any]:
    ours = contingency.labels_in_order(persons, ids)
    theirs = contingency.labels_in_order(batch, ids)
    against_truth = contingency.Table.of(ours, truth.person)
    return {
        "against_batch": contingency.Table.of(ours, theirs).pairwise(),
        "against_truth": against_truth.pairwise(),
        "largest": against_truth.largest(),
        "without_person": sum(1 for e in persons.values() if e in ("None", "")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parity")
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--splits", default=",".join(SPLITS))
    parser.add_argument(
        "--rules",
        default="cost,no_cost",
        help="cost: imports linked as `nrm import` links them; no_cost: incrementally "
        "unless first, half the population or after its doubling",
    )
    args = parser.parse_args()
    data = generated_set(args.households, args.seed, args.profile)
    records = data / "records.csv"
    results: dict[str, Any] = {"households": args.households, "profile": args.profile}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        link_file(records, folder / "batch.csv", progress=False)
        batch_seconds = time.perf_counter() - started
        with (folder / "batch.csv").open(encoding="utf-8", newline="") as handle:
            batch = {r["record_id"]: r["entity_id"] for r in csv.DictReader(handle)}
        ids = sorted(batch)
        truth = contingency.read_truth(data / "truth.csv", ids, NAMING_GROUPS)
        batch_table = contingency.Table.of(contingency.labels_in_order(batch, ids), truth.person)
        results["records"] = len(ids)
        results["batch"] = {
            "against_truth": batch_table.pairwise(),
            "largest": batch_table.largest(),
            "seconds": round(batch_seconds, 1),
        }
        rows = []
        for split in args.splits.split(","):
            files = _files(split, records, folder / split, args.seed)
            for rule, db in itertools.product(args.rules.split(","), args.db.split(",")):
                if db == "sqlite":
                    store = Store.open(str(folder / f"{split}-{rule}.db"))
                    persons, seconds, modes = _import_all(store, files, rule)
                    store.close()
                else:
                    with scratch_postgres_database() as url:
                        store = Store.open(url)
                        persons, seconds, modes = _import_all(store, files, rule)
                        store.close()
                row = {
                    "split": split,
                    "files": len(files),
                    "rule": rule,
                    "database": db,
                    "linked": modes,
                    **_measure(persons, batch, ids, truth),
                    "seconds": round(seconds, 1),
                }
                rows.append(row)
                print(_line(row), flush=True)
        results["splits"] = rows
    save("parity" if args.profile == "default" else f"parity-{args.profile}", results)
    print(_table(results))


def _linked(modes: dict[str, int]) -> str:
    return ", ".join(f"{mode} {count}" for mode, count in sorted(modes.items()))


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['split']} ({row['files']} files, {row['rule']}, {row['database']}: "
        f"{_linked(row['linked'])}): F1 vs batch "
        f"{row['against_batch']['f1']}, vs truth {row['against_truth']['f1']}, "
        f"{row['seconds']} s"
    )


def _table(results: dict[str, Any]) -> str:
    batch = results["batch"]["against_truth"]
    lines = [
        f"{results['records']:,} records ({results['profile']}); batch `nrm link`: "
        f"P {batch['precision']} R {batch['recall']} F1 {batch['f1']}",
        "",
        "| split | files | rule | linked | database | F1 vs batch | P | R | F1 (truth) | "
        "largest | without a person | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results["splits"]:
        truth = row["against_truth"]
        lines.append(
            f"| {row['split']} | {row['files']} | {row['rule']} | {_linked(row['linked'])} | "
            f"{row['database']} | "
            f"{row['against_batch']['f1']} | {truth['precision']} | {truth['recall']} | "
            f"{truth['f1']} | {row['largest']['predicted']} | {row['without_person']} | "
            f"{row['seconds']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
