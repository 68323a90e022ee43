"""Files arriving over time give the persons one batch gives, on both databases."""

import csv
from pathlib import Path

import pytest

from bench import contingency
from bench.parity import split_by_case
from fixtures.dataset import generate, write_dataset
from models.store import Store
from service import Service
from service.linkfile import link_file


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parity")
    write_dataset(generate(160, seed=21), out)
    return out / "records.csv"


def _agreement(split: dict[str, str], batch: dict[str, str]) -> float:
    """Pairwise F1 of the split imports' persons against the batch's."""
    ids = sorted(batch)
    ours = contingency.labels_in_order(split, ids)
    theirs = contingency.labels_in_order(batch, ids)
    return contingency.Table.of(ours, theirs).pairwise()["f1"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "seed,shares", [(1, [0.6, 0.4]), (2, [0.8, 0.2]), (3, [0.7, 0.3]), (4, [0.2] * 5)]
)
def test_split_imports_give_the_persons_of_one_batch(
    store: Store, population: Path, tmp_path: Path, seed: int, shares: list[float]
) -> None:
    batch_out = tmp_path / "clusters.csv"
    link_file(population, batch_out, progress=False)
    batch = {r["record_id"]: r["entity_id"] for r in csv.DictReader(batch_out.open())}
    service = Service(store)
    for part in split_by_case(population, tmp_path, shares, seed):
        report = service.import_file(part)
        assert report.ok, report.errors[:3]
    stored = {r.record_id: str(r.entity_id) for r in store.iter_records()}
    assert None not in stored.values() and "None" not in stored.values()
    assert set(stored) == set(batch)
    assert _agreement(stored, batch) >= 0.9
