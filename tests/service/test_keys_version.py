"""Stored blocking keys and models that a new version of the code no longer writes."""

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from matching import keys_version as versions
from matching.columns import COLUMN_FIELDS, build_columns
from matching.record_keys import all_record_keys
from models.store import Store
from models.store.keys import KEYS_VERSION
from models.tables import blocking_keys, match_models, person_records
from service import Actor, Service
from service.registry import active_model, model_status
from service.relinking import relink_all
from tests.conftest import generated_in_two_files, write_csv


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two imports of a small generated population: the first 300 rows, then the rest."""
    return generated_in_two_files(tmp_path_factory.mktemp("keys"), seed=5)


def _stored_keys(store: Store) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    with store.engine.connect() as c:
        for key, record in c.execute(select(blocking_keys.c.key, blocking_keys.c.record_id)):
            keys[str(record)].add(key)
    return dict(keys)


def _fresh_keys(store: Store) -> dict[str, set[str]]:
    """The keys this code gives every stored record, computed from scratch."""
    with store.engine.connect() as c:
        rows = [
            dict(r._mapping)
            for r in c.execute(
                select(*(person_records.c[f] for f in ("id", "role", *COLUMN_FIELDS)))
            )
        ]
    keys = all_record_keys(build_columns(rows))
    return {str(r["id"]): set(k) for r, k in zip(rows, keys, strict=True) if k}


def _age_keys(store: Store) -> None:
    """What an older code would have left: another version and keys it no longer writes."""
    with store.engine.begin() as c:
        c.execute(delete(blocking_keys))
        ids = [r for (r,) in c.execute(select(person_records.c.id))]
        c.execute(insert(blocking_keys), [{"key": "old:key", "record_id": i} for i in ids])
    store.set_setting(KEYS_VERSION, "keys-0-older")


def _persons(store: Store) -> dict[str, str]:
    with store.engine.connect() as c:
        rows = c.execute(select(person_records.c.id, person_records.c.entity_id))
        return {str(i): str(e) for i, e in rows}


def test_an_import_into_an_empty_store_records_the_codes_key_version(store, files):
    service = Service(store)
    service.import_file(files[0])
    assert store.setting(KEYS_VERSION) == versions.keys_version()
    assert service.health()["blocking_keys_current"] is True


def test_keys_of_another_version_are_rebuilt_by_the_next_import(store, files):
    service = Service(store)
    service.import_file(files[0])
    _age_keys(store)
    assert service.health()["blocking_keys_current"] is False

    report = service.import_file(files[1])

    assert report.linked["keys_rebuilt"]["from"] == "keys-0-older"
    assert report.linked["keys_rebuilt"]["records"] == store.count_records()
    assert store.setting(KEYS_VERSION) == versions.keys_version()
    assert _stored_keys(store) == _fresh_keys(store)


def test_rebuilding_keys_changes_no_person_and_loses_no_decision(store, files):
    service = Service(store)
    service.import_file(files[0])
    before = _persons(store)
    decisions = store.counts()["decisions"]
    _age_keys(store)

    summary = service.rebuild_keys(Actor.operator("nrm keys rebuild"))

    assert summary["records"] == 300
    assert _persons(store) == before
    assert store.counts()["decisions"] == decisions
    assert _stored_keys(store) == _fresh_keys(store)
    assert store.audit_rows({"action": "rebuild_keys"})[1] == 1


def test_current_keys_are_not_rebuilt(store, files):
    service = Service(store)
    service.import_file(files[0])
    report = service.import_file(files[1])
    assert "keys_rebuilt" not in report.linked


def test_a_rebuild_reads_whole_cases_in_each_batch(store, files):
    Service(store).import_file(files[0], link=False)
    fields = ("id", "source", "case_id")
    seen: dict[tuple[str, str], int] = {}
    for number, batch in enumerate(store.iter_records_by_case(fields, batch=7)):
        for record in batch:
            if record["case_id"]:
                case = (record["source"], record["case_id"])
                assert seen.setdefault(case, number) == number
    assert sum(len(b) for b in store.iter_records_by_case(fields, batch=7)) == 300


def test_the_key_version_follows_the_keys_the_code_gives_its_probes(monkeypatch):
    current = versions.keys_version()
    versions.keys_version.cache_clear()
    monkeypatch.setattr(versions, "all_record_keys", lambda columns: [["moved"]] * len(columns))
    try:
        assert versions.keys_version() != current
    finally:
        versions.keys_version.cache_clear()


def test_a_stored_model_fitted_for_other_comparisons_is_not_used(store, files):
    service = Service(store)
    service.import_file(files[0])
    service.relink(Actor.operator("nrm relink"))
    assert model_status(store)["fs"] == "stored"
    with store.engine.begin() as c:
        active = match_models.c.active.is_(True)
        document = c.execute(select(match_models.c.document).where(active)).scalar_one()
        stale = document.replace('"levels": [', '"levels": ["a level of an older code", ', 1)
        c.execute(update(match_models).where(active).values(document=stale))

    assert model_status(store)["fs"] == "stale"
    assert service.health()["models"]["fs"] == "stale"
    assert active_model(store).version == "mali-fs-prior"
    report = service.import_file(files[1])
    assert report.linked["records"] > 0


def test_a_model_fitted_for_another_scoring_is_refitted_by_the_next_import(store, files):
    service = Service(store)
    service.import_file(files[0])
    with store.engine.begin() as c:
        active = match_models.c.active.is_(True)
        document = json.loads(c.execute(select(match_models.c.document).where(active)).scalar())
        del document["scoring"]
        c.execute(update(match_models).where(active).values(document=json.dumps(document)))
    assert model_status(store)["fs"] == "stale"

    report = service.import_file(files[1])

    assert report.linked["because"] == "stale_model"
    assert model_status(store)["fs"] == "stored"
    assert active_model(store).notes["records"] == store.counts()["person_records"]


def _slices(source: Path, out: Path, *bounds: tuple[int, int]) -> list[Path]:
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    paths = []
    for number, (first, last) in enumerate(bounds):
        path = out / f"slice-{number}.csv"
        path.write_text(lines[0] + "".join(lines[first : last + 1]), encoding="utf-8")
        paths.append(path)
    return paths


def test_an_import_that_doubles_the_population_since_the_fit_refits_the_model(
    store, files, tmp_path
):
    service = Service(store)
    first, second, third = _slices(files[0], tmp_path, (1, 100), (101, 160), (161, 220))
    service.import_file(first)
    assert active_model(store).notes["records"] == 100
    assert service.import_file(second).linked["mode"] == "incremental"

    report = service.import_file(third)

    assert report.linked["mode"] == "batch"
    assert active_model(store).notes["records"] == 220


def test_an_import_below_the_refit_growth_links_incrementally(store, files, tmp_path):
    service = Service(store)
    first, second = _slices(files[0], tmp_path, (1, 200), (201, 260))
    service.import_file(first)

    report = service.import_file(second)

    assert report.linked["mode"] == "incremental"
    assert active_model(store).notes["records"] == 200


def test_the_first_import_rebuilds_no_key(store, files):
    report = Service(store).import_file(files[0])
    assert "keys_rebuilt" not in report.linked


def _written(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_relink_keys_again_only_the_records_come_since_and_their_cases(store, files, tmp_path):
    service = Service(store)
    service.import_file(files[0])
    lines = files[1].read_text(encoding="utf-8").splitlines(keepends=True)
    later = write_csv(tmp_path / "later.csv", "".join(lines[:11]))
    service.import_file(later, link=False)
    first, second = _rows(files[0]), _rows(later)
    cases = {(r["source"], r["case_id"]) for r in second if r["case_id"]}
    their_kin = [r for r in first if (r["source"], r["case_id"]) in cases]

    summary = relink_all(store)

    assert summary["keys_written"] == len(second) + len(their_kin)
    assert summary["keys_kept"] == len(first) - len(their_kin)
    assert _stored_keys(store) == _fresh_keys(store)


def test_a_relink_of_an_unchanged_store_writes_no_key(store, files):
    Service(store).import_file(files[0])

    summary = relink_all(store)

    assert (summary["keys_written"], summary["keys_kept"]) == (0, summary["records"])
    assert _stored_keys(store) == _fresh_keys(store)


def test_a_record_changed_without_linking_is_keyed_again_with_its_case_by_the_relink(
    store, files, tmp_path
):
    service = Service(store)
    service.import_file(files[0])
    rows = _rows(files[0])
    changed = next(r for r in rows if r["origin_village"])
    case = [
        r for r in rows if (r["source"], r["case_id"]) == (changed["source"], changed["case_id"])
    ]
    changed["origin_village"] = "Tombouctou"
    edited = _written(tmp_path / "edited.csv", rows)
    assert service.import_file(edited, link=False).counts.changed == 1

    summary = relink_all(store)

    assert summary["keys_written"] == len(case)
    assert _stored_keys(store) == _fresh_keys(store)


def test_keys_of_another_version_are_all_written_again_by_a_relink(store, files):
    Service(store).import_file(files[0])
    _age_keys(store)

    summary = relink_all(store)

    assert summary["keys_written"] == summary["records"]
    assert _stored_keys(store) == _fresh_keys(store)


@pytest.mark.parametrize("link", [False, True])
def test_a_record_moved_to_another_case_gets_its_old_case_keyed_again(store, files, tmp_path, link):
    """A record's keys read its case: the case it leaves loses its village and family."""
    service = Service(store)
    service.import_file(files[0])
    rows = _rows(files[0])
    sizes = Counter((r["source"], r["case_id"]) for r in rows)
    moved = next(r for r in rows if sizes[(r["source"], r["case_id"])] > 1 and r["origin_village"])
    moved["case_id"] = next(r["case_id"] for r in rows if r["case_id"] != moved["case_id"])
    edited = _written(tmp_path / "moved.csv", rows)
    assert service.import_file(edited, link=link).counts.changed == 1

    relink_all(store)

    assert _stored_keys(store) == _fresh_keys(store)
