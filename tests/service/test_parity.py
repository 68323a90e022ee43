"""Files arriving over time give the persons one batch gives, on both databases."""

import csv
import random
from collections import defaultdict
from pathlib import Path

import pytest

from fixtures.dataset import generate, write_dataset
from models.store import Store
from service import Service
from service.linkfile import link_file


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parity")
    write_dataset(generate(160, seed=21), out)
    return out / "records.csv"


def _split(records: Path, out: Path, seed: int, share: float) -> tuple[Path, Path]:
    """Two files of whole cases (a case never straddles two files), about `share` first."""
    with records.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    cases = sorted({(r["source"], r["case_id"]) for r in rows})
    random.Random(seed).shuffle(cases)
    first = set(cases[: int(len(cases) * share)])
    paths = (out / f"a{seed}.csv", out / f"b{seed}.csv")
    for path, keep in zip(paths, (True, False), strict=True):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header)
            writer.writeheader()
            writer.writerows(r for r in rows if ((r["source"], r["case_id"]) in first) == keep)
    return paths


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for record, label in groups.items():
        members[label].append(record)
    return {
        (x, y) for rows in members.values() for x in sorted(rows) for y in sorted(rows) if x < y
    }


def _agreement(split: dict[str, str], batch: dict[str, str]) -> float:
    """Pairwise F1 of the split imports' persons against the batch's."""
    ours, theirs = _pairs(split), _pairs(batch)
    if not ours and not theirs:
        return 1.0
    both = len(ours & theirs)
    return 2 * both / (len(ours) + len(theirs))


@pytest.mark.slow
@pytest.mark.parametrize("seed,share", [(1, 0.6), (2, 0.8), (3, 0.7)])
def test_split_imports_give_the_persons_of_one_batch(
    store: Store, population: Path, tmp_path: Path, seed: int, share: float
) -> None:
    batch_out = tmp_path / "clusters.csv"
    link_file(population, batch_out, progress=False)
    batch = {r["record_id"]: r["entity_id"] for r in csv.DictReader(batch_out.open())}
    first, second = _split(population, tmp_path, seed, share)
    service = Service(store)
    for part in (first, second):
        report = service.import_file(part)
        assert report.ok, report.errors[:3]
    stored = {r.record_id: str(r.entity_id) for r in store.iter_records()}
    assert None not in stored.values() and "None" not in stored.values()
    assert set(stored) == set(batch)
    assert _agreement(stored, batch) >= 0.9
