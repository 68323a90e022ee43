"""Files arriving over time give the persons one batch gives, on both databases."""

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bench import contingency
from bench.parity import split_by_case
from fixtures.dataset import generate, write_dataset
from models.store import Store, bulk, importing
from models.tables import suggestions
from service import Service, linking
from service.context import Actor
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


def _descending_ids(count: int) -> list[str]:
    """Ids in the opposite order to the records drawing them."""
    return sorted(bulk.new_ids(count), reverse=True)


def _persons(store: Store) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for r in store.iter_records():
        groups.setdefault(str(r.entity_id), set()).add(r.record_id)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def larger_population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parity-larger")
    write_dataset(generate(1200, seed=21), out)
    return out / "records.csv"


@pytest.mark.slow
def test_the_same_files_give_the_same_persons_in_another_store(
    store: Store, larger_population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored ids are drawn at random when records are imported: nothing the persons
    depend on may follow them (the second file is linked record by record here)."""
    monkeypatch.setattr(linking, "INCREMENTAL_MS_PER_RECORD", 0.0)
    parts = split_by_case(larger_population, tmp_path, [0.6, 0.4], 5)
    other = Store.open(str(tmp_path / "other.db"))
    try:
        for target, ids in ((store, bulk.new_ids), (other, _descending_ids)):
            monkeypatch.setattr(importing, "new_ids", ids)
            for part in parts:
                report = Service(target).import_file(part)
                assert report.ok, report.errors[:3]
            assert report.linked and report.linked.get("mode") == "incremental"
        assert _persons(store) == _persons(other)
    finally:
        other.close()


def _clusters(path: Path) -> dict[str, str]:
    return {r["record_id"]: r["entity_id"] for r in csv.DictReader(path.open(encoding="utf-8"))}


def _reordered(records: Path, out: Path) -> Path:
    """The same rows, read from the end: no record where it was."""
    with records.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows[1::2][::-1], *rows[::2]])
    return out


@pytest.mark.slow
def test_the_rows_of_a_file_in_another_order_give_the_same_persons(
    larger_population: Path, tmp_path: Path
) -> None:
    link_file(larger_population, tmp_path / "as_written.csv", progress=False)
    reordered = _reordered(larger_population, tmp_path / "reordered.csv")
    link_file(reordered, tmp_path / "reordered_clusters.csv", progress=False)
    assert _clusters(tmp_path / "as_written.csv") == _clusters(tmp_path / "reordered_clusters.csv")


def test_the_clusters_file_lists_the_records_in_the_order_of_the_records_file(
    population: Path, tmp_path: Path
) -> None:
    reordered = _reordered(population, tmp_path / "reordered.csv")
    link_file(reordered, tmp_path / "clusters.csv", progress=False)
    with reordered.open(encoding="utf-8") as handle:
        written = [r["record_id"] for r in csv.DictReader(handle)]
    assert list(_clusters(tmp_path / "clusters.csv")) == written


@pytest.mark.slow
def test_relinking_records_stored_without_linking_gives_the_persons_of_nrm_link(
    store: Store, larger_population: Path, tmp_path: Path
) -> None:
    link_file(larger_population, tmp_path / "clusters.csv", progress=False)
    batch = _clusters(tmp_path / "clusters.csv")
    service = Service(store)
    assert service.import_file(larger_population, link=False).ok
    service.relink(Actor.operator("nrm relink"))
    stored = {r.record_id: str(r.entity_id) for r in store.iter_records()}
    assert _persons(store) == _groups(batch)
    assert set(stored) == set(batch)


@pytest.mark.slow
def test_a_relink_after_files_linked_one_by_one_gives_the_persons_of_nrm_link(
    store: Store, larger_population: Path, tmp_path: Path
) -> None:
    """The model stored by the first file's link is not where the relink's fit starts."""
    link_file(larger_population, tmp_path / "clusters.csv", progress=False)
    first, second = split_by_case(larger_population, tmp_path, [0.5, 0.5], 3)
    service = Service(store)
    assert service.import_file(first).ok
    assert service.import_file(second, link=False).ok
    service.relink(Actor.operator("nrm relink"))
    assert _persons(store) == _groups(_clusters(tmp_path / "clusters.csv"))


@pytest.mark.slow
def test_ten_files_each_relinking_everyone_give_the_persons_of_nrm_link(
    store: Store, larger_population: Path, tmp_path: Path
) -> None:
    link_file(larger_population, tmp_path / "clusters.csv", progress=False)
    service = Service(store)
    for part in split_by_case(larger_population, tmp_path, [0.1] * 10, 2026):
        report = service.import_file(part)
        assert report.ok and report.linked and report.linked["mode"] == "batch"
    assert _persons(store) == _groups(_clusters(tmp_path / "clusters.csv"))


@pytest.mark.slow
def test_a_relink_reading_the_records_in_any_order_gives_the_persons_of_nrm_link(
    store: Store, larger_population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database whose collation sorts text otherwise streams them in another order."""
    link_file(larger_population, tmp_path / "clusters.csv", progress=False)
    service = Service(store)
    assert service.import_file(larger_population, link=False).ok
    streamed = type(store).iter_link_columns

    def reversed_order(self: Store, fields: tuple[str, ...]) -> Iterator[dict[str, list]]:
        batches = list(streamed(self, fields))
        yield {f: [v for batch in batches for v in batch[f]][::-1] for f in fields}

    monkeypatch.setattr(type(store), "iter_link_columns", reversed_order)
    service.relink(Actor.operator("nrm relink"))
    assert _persons(store) == _groups(_clusters(tmp_path / "clusters.csv"))
    records = {r.id: r for r in store.iter_records()}
    with store.engine.connect() as c:
        suggested = c.execute(select(suggestions)).mappings().all()
    assert suggested
    for row in suggested:
        a, b = records[row["record_a"]], records[row["record_b"]]
        assert (row["source_a"], row["source_b"]) == (a.source, b.source)
        assert (row["case_type_a"], row["case_type_b"]) == (a.case_type, b.case_type)


def _groups(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, entity in clusters.items():
        groups.setdefault(entity, set()).add(record)
    return {frozenset(g) for g in groups.values()}
