"""Linking through the service: file to file, after an import, the demo on both databases."""

import csv
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, insert, inspect, select, update

from fixtures.demo import DEMO_DIR
from matching import parallel
from matching.blocking import block_cap, candidate_pairs, cross_pairs
from matching.columns import build_columns
from matching.model import default_model
from matching.pipeline import match_new
from matching.record_keys import all_record_keys
from models.columnwise import validated_rows
from models.queue_sample import record_digest
from models.review import could_be_minor
from models.store import Store
from models.store.keys import KEYS_VERSION
from models.tables import blocking_keys, match_pairs, suggestions
from service import Service
from service.importing import import_records
from service.linkfile import LinkInputError, link_file
from service.linking import MATCH_FIELDS, link_import, whole_population_reason
from service.registry import active_model
from service.relinking import _Kept, relink_all
from service.scoring import suggestion_row
from tests.conftest import write_csv

HEADER = (
    "record_id,case_id,source,registered_on,full_name,sex,birth_date,origin_village,father_name\n"
)
FIRST = HEADER + (
    "GOV-1,C1,DNPEF,2021-03-04,KULIBALI Fatoumata,F,2006-05-04,Sirakoro,Bakary Coulibaly\n"
    "GOV-2,C2,DNPEF,2021-03-04,DIARRA Moussa,M,1990,Kati,Adama Diarra\n"
)
SECOND = HEADER + (
    "OIM-1,R1,OIM,2022-06-01,Fatimata Coulibaly,F,04/05/2006,Sirakoro,Boubacar Kulibali\n"
    "OIM-2,R2,OIM,2022-06-01,Hawa Maïga,F,vers 2001,Gao,Ibrahim Maïga\n"
)


def test_demo_set_gives_identical_counts_on_sqlite_and_postgresql(
    sqlite_store: Store, postgres_store: Store
) -> None:
    counts = []
    for store in (sqlite_store, postgres_store):
        report = Service(store).import_file(DEMO_DIR / "records.csv", DEMO_DIR / "relations.csv")
        assert report.ok, report.errors[:3]
        counts.append(store.counts())
    assert counts[0] == counts[1]
    assert (
        counts[0]["person_records"] == len((DEMO_DIR / "records.csv").read_text().splitlines()) - 1
    )


def test_a_new_record_joins_the_entity_of_the_person_it_matches(
    store: Store, tmp_path: Path
) -> None:
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "a.csv", FIRST)).ok
    report = service.import_file(write_csv(tmp_path / "b.csv", SECOND))
    assert report.ok and report.linked is not None
    gov = store.find_record("GOV-1")[0]
    oim = store.find_record("OIM-1")[0]
    other = store.find_record("OIM-2")[0]
    assert gov.entity_id is not None and oim.entity_id == gov.entity_id
    assert other.entity_id not in (None, gov.entity_id)
    assert store.pairs(band="match")


def test_link_file_writes_every_row_once_and_scored_pairs(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", FIRST + SECOND[len(HEADER) :])
    summary = link_file(records, tmp_path / "clusters.csv", tmp_path / "pairs.csv", progress=False)
    clusters = list(csv.DictReader((tmp_path / "clusters.csv").read_text().splitlines()))
    assert sorted(r["record_id"] for r in clusters) == ["GOV-1", "GOV-2", "OIM-1", "OIM-2"]
    entity = {r["record_id"]: r["entity_id"] for r in clusters}
    assert entity["GOV-1"] == entity["OIM-1"] != entity["GOV-2"]
    pairs = list(csv.DictReader((tmp_path / "pairs.csv").read_text().splitlines()))
    assert {p["band"] for p in pairs} <= {"match", "review", "non_match"}
    assert summary["records"] == 4


def test_link_file_names_each_records_organisation_where_two_share_a_record_id(
    tmp_path: Path,
) -> None:
    records = write_csv(
        tmp_path / "r.csv",
        "record_id,source,full_name,sex,birth_date,origin_village\n"
        "001,OIM,Awa Traoré,F,2010,Ségou\n"
        "001,DNPEF,Moussa Keita,M,1980,Kayes\n"
        "002,DNPEF,Awa Traore,F,2010,Segou\n",
    )
    link_file(records, tmp_path / "clusters.csv", tmp_path / "pairs.csv", progress=False)
    clusters = list(csv.DictReader((tmp_path / "clusters.csv").read_text().splitlines()))
    assert [(r["record_id"], r["source"]) for r in clusters] == [
        ("001", "OIM"),
        ("001", "DNPEF"),
        ("002", "DNPEF"),
    ]
    pairs = list(csv.DictReader((tmp_path / "pairs.csv").read_text().splitlines()))
    awa = [p for p in pairs if {p["record_id_a"], p["record_id_b"]} == {"001", "002"}]
    assert any({p["source_a"], p["source_b"]} == {"OIM", "DNPEF"} for p in awa)
    assert all(
        (p["source_a"], p["source_b"]) != ("DNPEF", "DNPEF") or p["band"] != "match" for p in awa
    )


def test_link_file_names_every_bad_row_and_writes_nothing(tmp_path: Path) -> None:
    lines = (FIRST + SECOND[len(HEADER) :]).splitlines()
    header = lines[0].split(",")
    broken = [lines[0]]
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if number in (3, 5):
            cells[header.index("sex")] = "Z"
        broken.append(",".join(cells))
    records = write_csv(tmp_path / "r.csv", "\n".join(broken) + "\n")
    with pytest.raises(LinkInputError) as raised:
        link_file(records, tmp_path / "clusters.csv", progress=False)
    assert [e.split(",")[0] for e in raised.value.errors] == ["row 3", "row 5"]
    assert not (tmp_path / "clusters.csv").exists()


def test_entity_ids_are_stable_when_membership_does_not_change(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", FIRST + SECOND[len(HEADER) :])
    link_file(records, tmp_path / "one.csv", progress=False)
    link_file(records, tmp_path / "two.csv", progress=False)
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "two.csv").read_text()


class _Reads(dict):
    """A record that remembers which of its fields were read."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


def test_incremental_matching_fetches_every_field_matching_reads(tmp_path: Path) -> None:
    """Candidates come from the store with MATCH_FIELDS only: matching must not read more."""
    path = write_csv(tmp_path / "r.csv", (DEMO_DIR / "records.csv").read_text())
    values = [v for _, _, v, _ in validated_rows(path) if v is not None][:50]
    records = [_Reads({**v, "id": uuid.uuid4(), "entity_id": None}) for v in values]
    build_columns(records)
    for record in records:
        could_be_minor(record)
        pair = {"record_a": 1, "record_b": 2, "probability": 0.5, "model_version": "v"}
        pair |= {"reasons": []}
        suggestion_row(pair, record, record)
    read = set().union(*(r.read for r in records))
    assert read <= set(MATCH_FIELDS), read - set(MATCH_FIELDS)


def _key_by_key(
    store: Store, keys: list[str], limit: int = 300, cap_of: Any = block_cap
) -> dict[uuid.UUID, int]:
    """The candidates as linking found them before (one query per key): the reference."""
    found: dict[uuid.UUID, int] = {}
    with store.engine.connect() as c:
        for key in set(keys):
            rows = c.execute(
                select(blocking_keys.c.record_id).where(blocking_keys.c.key == key)
            ).scalars()
            held = list(rows)
            if len(held) > cap_of(key):
                continue
            for record_id in held:
                found[record_id] = found.get(record_id, 0) + 1
    return dict(sorted(found.items(), key=lambda item: (-item[1], str(item[0])))[:limit])


def _held_out(tmp_path: Path, count: int) -> tuple[Path, list[Path]]:
    lines = (DEMO_DIR / "records.csv").read_text().splitlines(keepends=True)
    population = write_csv(tmp_path / "population.csv", "".join(lines[:-count]))
    singles = [
        write_csv(tmp_path / f"single-{k}.csv", lines[0] + line)
        for k, line in enumerate(lines[-count:])
    ]
    return population, singles


def test_one_statement_finds_the_candidates_the_key_by_key_lookup_found(
    store: Store, tmp_path: Path
) -> None:
    population, _ = _held_out(tmp_path, 1)
    assert import_records(store, population).ok
    relink_all(store)
    with store.engine.connect() as c:
        rows = c.execute(select(blocking_keys.c.record_id, blocking_keys.c.key)).all()
    keys_of: dict[uuid.UUID, list[str]] = {}
    for record_id, key in rows:
        keys_of.setdefault(record_id, []).append(key)
    skipped = 0
    for keys in list(keys_of.values())[:200]:
        assert store.candidates(keys, block_cap) == _key_by_key(store, keys)
        # small limits: ties broken by id on both sides
        assert store.candidates(keys, block_cap, limit=3) == _key_by_key(store, keys, 3)
        # a tiny cap: most blocks are too large and count for nothing
        tiny = store.candidates(keys, lambda _: 2)
        assert tiny == _key_by_key(store, keys, cap_of=lambda _: 2)
        skipped += len(tiny) < len(store.candidates(keys, block_cap))
    assert skipped > 50


def test_incremental_linking_scores_what_the_reference_path_scores(
    store: Store, tmp_path: Path
) -> None:
    """Pairs and probabilities of a new record are those of match_new on its candidates as
    found key by key and read as full records (the path linking took before)."""
    population, singles = _held_out(tmp_path, 8)
    assert import_records(store, population).ok
    relink_all(store)
    model = active_model(store)
    scored = 0
    for path in singles:
        report = import_records(store, path)
        assert report.counts is not None
        new = list(store.iter_records(import_id=report.counts.import_id))
        new_dicts = [r.model_dump() for r in new]
        with store.linking() as tx:  # the keys of a case come from all of it
            kin = tx.records_of_cases(
                [(new[0].source, new[0].case_id)] if new[0].case_id else [],
                MATCH_FIELDS,
                exclude={new[0].id},
            )
        keys = all_record_keys(build_columns([*new_dicts, *kin]))[0]
        with store.engine.connect() as c:
            c.execute(delete(blocking_keys).where(blocking_keys.c.record_id == new[0].id))
            c.execute(insert(blocking_keys), [{"key": k, "record_id": new[0].id} for k in keys])
            c.commit()
        found = [i for i in _key_by_key(store, keys) if i != new[0].id]
        candidates = [r.model_dump() for r in store.records_by_ids(found)]
        columns, a, b, scores, bands = match_new(
            new_dicts,
            sorted(candidates, key=lambda r: str(r["id"])),
            model,
            population_size=store.estimated_record_count(),
        )
        expected = {
            tuple(sorted((str(columns.ids[int(x)]), str(columns.ids[int(y)])))): (p, band)
            for x, y, p, band in zip(a, b, scores.probability, bands, strict=True)
            if band != "non_match"
        }
        summary = link_import(store, report.counts.import_id)
        assert summary["candidates"] == len(candidates)
        stored = {
            (str(p["record_a"]), str(p["record_b"])): (p["probability"], p["band"])
            for p in store.pairs(limit=100_000)
            if new[0].id in (p["record_a"], p["record_b"])
        }
        assert stored.keys() == expected.keys()
        scored += len(expected)
        for pair, (probability, band) in expected.items():
            assert stored[pair][1] == band
            assert stored[pair][0] == pytest.approx(float(probability), abs=1e-12)
    assert scored > 0


def test_linking_reads_the_decided_pairs_among_its_records(store: Store, tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", FIRST + SECOND[len(HEADER) :])
    assert Service(store).import_file(records).ok
    ids = sorted((r.id for r in store.iter_records()), key=str)
    decided = [
        (ids[0], ids[1], "confirmed"),
        (ids[0], ids[2], "rejected"),
        (ids[1], ids[2], "pending"),
        (ids[2], ids[3], "rejected"),
    ]
    store.sync_suggestions(
        [
            {
                "record_a": a,
                "record_b": b,
                "probability": 0.5,
                "model_version": "test",
                "reasons": [],
                "queue_group": 1,
                "uncertainty": 0.0,
                "sampled": False,
                "involves_minor": False,
                "tracing_request": False,
                "case_type_a": None,
                "case_type_b": None,
                "source_a": "DNPEF",
                "source_b": "OIM",
            }
            for a, b, _ in decided
        ]
    )
    with store.engine.begin() as c:
        for a, b, status in decided:
            c.execute(
                update(suggestions)
                .where(suggestions.c.record_a == a, suggestions.c.record_b == b)
                .values(status=status)
            )
    with store.linking() as tx:
        must, cannot = tx.review_constraints(ids[:3])
    assert must == [(ids[0], ids[1])]
    assert cannot == [(ids[0], ids[2])]


def test_a_single_new_record_gets_the_pairs_of_blocking_and_cross_pairs_together(
    tmp_path: Path,
) -> None:
    """match_new skips blocking for one new record: the cross pairs already hold its pairs."""
    path = write_csv(tmp_path / "r.csv", (DEMO_DIR / "records.csv").read_text())
    values = [v for _, _, v, _ in validated_rows(path) if v is not None]
    records = [{**v, "id": uuid.uuid4()} for v in values]
    model = default_model()
    for k in range(0, 400, 40):
        new, population = records[k : k + 1], records[:k] + records[k + 1 : k + 300]
        columns, a, b, _, _ = match_new(new, population, model)
        x, y, _ = candidate_pairs(columns)
        x, y = x[(x < 1) | (y < 1)], y[(x < 1) | (y < 1)]
        cross_a, cross_b = cross_pairs(columns, 1)
        width = np.int64(len(columns))
        codes = np.union1d(x.astype(np.int64) * width + y, cross_a * width + cross_b)
        assert a.tolist() == (codes // width).tolist()
        assert b.tolist() == (codes % width).tolist()
        assert len(a) > 0


def test_a_record_added_to_a_stored_case_gets_the_keys_of_its_whole_case(
    store: Store, tmp_path: Path
) -> None:
    """Keys from a record's case (the village of another member) are those a batch link
    gives, for the new record and for the members already stored."""
    service = Service(store)
    assert service.import_file(DEMO_DIR / "records.csv").ok
    victim = next(
        r
        for r in csv.DictReader((DEMO_DIR / "records.csv").open(encoding="utf-8"))
        if r["case_id"] and r["origin_village"] and r["role"] == "victim"
    )
    header = "record_id,case_id,case_type,source,registered_on,full_name,sex\n"
    row = f"NEW-1,{victim['case_id']},{victim['case_type']},{victim['source']},2024-01-05,"
    report = service.import_file(write_csv(tmp_path / "one.csv", header + row + "OUSMANE,M\n"))
    assert report.ok and report.linked is not None
    assert report.linked["mode"] == "incremental"
    with store.linking() as tx:
        case = tx.records_of_cases([(victim["source"], victim["case_id"])], MATCH_FIELDS)
    expected = {
        r["id"]: set(k) for r, k in zip(case, all_record_keys(build_columns(case)), strict=True)
    }
    with store.engine.connect() as c:
        rows = c.execute(
            select(blocking_keys.c.record_id, blocking_keys.c.key).where(
                blocking_keys.c.record_id.in_(list(expected))
            )
        ).all()
    stored: dict[Any, set[str]] = {record_id: set() for record_id in expected}
    for record_id, key in rows:
        stored[record_id].add(key)
    assert len(case) >= 2
    assert stored == expected
    new_id = next(r["id"] for r in case if r["record_id"] == "NEW-1")
    assert any(k.startswith("gv:") for k in stored[new_id])


def test_link_file_never_writes_a_record_id_a_spreadsheet_would_run(tmp_path: Path) -> None:
    records = write_csv(
        tmp_path / "r.csv",
        HEADER + '"=HYPERLINK(""http://x"")",C9,DNPEF,2021-03-04,Awa Keita,F,2001,Bla,\n',
    )
    link_file(records, tmp_path / "clusters.csv", tmp_path / "pairs.csv", progress=False)
    rows = list(csv.DictReader((tmp_path / "clusters.csv").read_text().splitlines()))
    assert rows[0]["record_id"] == '\'=HYPERLINK("http://x")'


def _stored_keys(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as c:
        rows = c.execute(select(blocking_keys.c.key, blocking_keys.c.record_id)).all()
    return sorted((k, str(r)) for k, r in rows)


def test_relink_writes_the_same_keys_from_a_forked_process(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys are written by a process forked while this one links: the same keys, and
    the store still usable by this process afterwards."""
    assert import_records(store, DEMO_DIR / "records.csv").ok
    monkeypatch.setenv("NRM_WORKERS", "1")
    relink_all(store)
    alone = _stored_keys(store)
    monkeypatch.setenv("NRM_WORKERS", "2")
    # a thread another test left behind in this worker must not keep this one from forking
    monkeypatch.setattr("matching.parallel.threading.active_count", lambda: 1)
    forked = []
    real = parallel.Background

    def background(*args: Any, **kwargs: Any) -> parallel.Background:
        job = real(*args, **{**kwargs, "min_items": 1})
        forked.append(job._process is not None)
        return job

    monkeypatch.setattr("service.relinking.Background", background)
    store.set_setting(KEYS_VERSION, "keys-0-older")
    summary = relink_all(store)
    assert forked == [True]
    assert _stored_keys(store) == alone
    assert summary["records"] == store.counts()["person_records"]


def _stored_pairs(store: Store) -> list[tuple]:
    with store.engine.connect() as c:
        rows = c.execute(select(match_pairs)).all()
    return sorted(tuple(str(v) for v in row) for row in rows)


def test_many_pairs_are_stored_as_a_few_are(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relink's pairs go in key order with the indexes made afterwards (SQLite): the
    same rows, and the indexes there again."""
    assert import_records(store, DEMO_DIR / "records.csv").ok
    relink_all(store)
    few = _stored_pairs(store)
    with store.engine.connect() as c:
        pairs = [dict(r._mapping) for r in c.execute(select(match_pairs))]
    monkeypatch.setattr("models.store.linking.MANY_PAIRS", 1)
    with store.linking() as tx:
        tx.clear_pairs()
        tx.save_pairs(pairs)
    assert _stored_pairs(store) == few and few
    names = {i["name"] for i in inspect(store.engine).get_indexes("match_pairs")}
    assert {"ix_match_pairs_band", "ix_match_pairs_record_b"} <= names


def test_a_relinks_reasons_are_stored_as_documents_not_as_text(store: Store) -> None:
    """The relink encodes its pairs' reasons in the processes that word them; stored,
    they read back as the reasons an incremental link stores, in pairs and suggestions."""
    assert import_records(store, DEMO_DIR / "records.csv").ok
    relink_all(store)
    with store.engine.connect() as c:
        pair = c.execute(select(match_pairs.c.reasons)).scalars().first()
        suggested = c.execute(select(suggestions.c.reasons)).scalars().first()
    for reasons in (pair, suggested):
        assert isinstance(reasons, list) and reasons
        assert {"field", "fr", "en"} <= set(reasons[0])


def test_a_relink_keeps_each_records_entity_and_suggestion_fields_as_read() -> None:
    kept = _Kept()
    entity = uuid.uuid4()
    kept.add(
        {
            "entity_id": [entity],
            "case_type": ["return"],
            "source": ["OIM"],
            "record_id": ["R-1"],
            "birth_latest": [date(2009, 12, 31)],
            "registered_on": [date(2024, 3, 1)],
        }
    )
    kept.add(
        {
            "entity_id": [None],
            "case_type": [None],
            "source": ["ENDA"],
            "record_id": ["7"],
            "birth_latest": [None],
            "registered_on": [None],
        }
    )
    assert [v.tobytes() for v in kept.entities()] == [entity.bytes, bytes(16)]
    assert kept.brief(0) == {
        "case_type": "return",
        "source": "OIM",
        "birth_latest": date(2009, 12, 31),
        "registered_on": date(2024, 3, 1),
        "digest": record_digest("OIM", "R-1"),
    }
    assert kept.brief(1) == {
        "case_type": None,
        "source": "ENDA",
        "birth_latest": None,
        "registered_on": None,
        "digest": record_digest("ENDA", "7"),
    }


@pytest.mark.parametrize(
    ("new", "population", "fitted_on", "graph", "reason"),
    [
        (2, 2, None, False, "first"),
        (3, 2, None, False, "first"),
        (500, 1_000, 600, False, "share"),
        (10, 1_200, 600, False, "refit"),
        (1_000, 101_000, 100_000, False, None),
        (6_000, 106_000, 100_000, False, "cost"),
        (40_000, 1_000_000, 900_000, False, None),
        (60_000, 1_000_000, 900_000, False, "cost"),
        (20_000, 1_000_000, 900_000, True, None),
        (30_000, 1_000_000, 900_000, True, "cost"),
    ],
)
def test_an_import_links_the_whole_population_when_that_is_cheaper_than_its_records_alone(
    new: int, population: int, fitted_on: int | None, graph: bool, reason: str | None
) -> None:
    """With a built family graph, the cost counts its update record by record against
    its rebuild."""
    model = default_model()
    if fitted_on:
        model.notes["records"] = fitted_on
    assert whole_population_reason(new, population, model, graph) == reason


def test_an_import_links_everyone_again_when_the_stored_model_is_stale() -> None:
    model = default_model()
    model.notes["records"] = 100_000
    assert whole_population_reason(10, 101_000, model, model_stale=True) == "stale_model"
    assert whole_population_reason(10, 101_000, model, model_stale=False) is None


def test_an_import_too_large_to_compare_record_by_record_links_everyone_again(
    store: Store, tmp_path: Path
) -> None:
    """600 new records among 2,000: under half, the model fitted on more than half, but
    comparing them one by one would cost more than linking the 2,000 again."""
    lines = (DEMO_DIR / "records.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    first = write_csv(tmp_path / "first.csv", "".join(lines[:1400]))
    second = write_csv(tmp_path / "second.csv", lines[0] + "".join(lines[1400:]))
    service = Service(store)
    assert service.import_file(first).ok

    report = service.import_file(second)

    assert report.linked is not None
    assert (report.linked["mode"], report.linked["because"]) == ("batch", "cost")
    assert store.pending_records() == 0
    assert active_model(store).notes["records"] == len(lines) - 1


KIN_HEADER = (
    "record_id,case_id,source,registered_on,full_name,sex,birth_date,origin_village,"
    "father_name,mother_name,role\n"
)
CHILD_AND_ADULT_RECORDS = KIN_HEADER + (
    "GOV-7,C7,DNPEF,2024-03-04,TRAORE Awa,F,2015-02-01,Bla,,,victim\n"
    "ONG-7,N7,ONG-ENDA,2024-05-04,TRAORE Awa,F,,Kati,Moussa Traore,Kadia Keita,\n"
)
SUSPECT_RECORD = KIN_HEADER + (
    "GOV-9,C9,DNPEF,2024-06-01,Awa TRAORE,F,,Kati,Moussa Traore,Kadia Keita,suspect\n"
)


def test_a_suspect_meeting_one_record_of_a_childs_person_waits_for_a_reviewer(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child's own record is not among the suspect's candidates (two are read: the
    suspect's own record, which shares every key, and the adult's), yet the guards read
    the whole person of the candidate it would join."""
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "a.csv", CHILD_AND_ADULT_RECORDS)).ok
    child, adult = store.find_record("GOV-7")[0], store.find_record("ONG-7")[0]
    person = uuid.uuid4()
    with store.linking() as tx:
        tx.assign_entities({child.id: person, adult.id: person})
    monkeypatch.setattr("service.linking.CANDIDATES_PER_RECORD", 2)
    read: list[set[uuid.UUID]] = []
    records_of_entities = store.records_of_entities

    def spied(entities: Any, fields: Any) -> Any:
        read.append(set(entities))
        return records_of_entities(entities, fields)

    monkeypatch.setattr(store, "records_of_entities", spied)
    assert service.import_file(write_csv(tmp_path / "b.csv", SUSPECT_RECORD)).ok
    suspect = store.find_record("GOV-9")[0]
    assert read == [{person}]
    assert suspect.entity_id != person
    queued = {frozenset((p["record_a"], p["record_b"])): p for p in store.pairs(band="review")}
    assert frozenset((suspect.id, child.id)) not in queued
    warnings = [
        r for r in queued[frozenset((suspect.id, adult.id))]["reasons"] if r["field"] == "guard"
    ]
    assert [w["level"] for w in warnings] == ["suspect_and_protected"]
    assert "jamais réunis sans relecteur" in warnings[0]["fr"]


UNDATED_AND_ADULTS = HEADER + (
    "GOV-1,C1,DNPEF,2021-03-04,TRAORE Seydou,M,,Kati,\n"
    "OIM-1,R1,OIM,2022-06-01,TRAORÉ Seydou,M,,Kita,\n"
    "GOV-2,C2,DNPEF,2021-03-04,DIARRA Moussa,M,1980,Kati,\n"
    "OIM-2,R2,OIM,2022-06-01,DIARA Moussa,M,vers 1981,Kita,\n"
)
"""Two pairs to review: Seydou's records tell no age, Moussa's are an adult's."""


def _suggestion(store: Store, first: str, second: str) -> dict[str, Any]:
    a, b = store.find_record(first)[0], store.find_record(second)[0]
    with store.review_transaction() as tx:
        found = tx.suggestion_for_pair(a.id, b.id)
    assert found is not None, (first, second)
    return found


def test_a_pair_whose_person_no_record_dates_is_marked_for_two_reviewers_when_suggested(
    store: Store, tmp_path: Path
) -> None:
    report = Service(store).import_file(write_csv(tmp_path / "a.csv", UNDATED_AND_ADULTS))
    assert report.ok and report.linked is not None and report.linked["mode"] == "batch"
    suggestion = _suggestion(store, "GOV-1", "OIM-1")
    assert suggestion["status"] == "pending"
    assert suggestion["involves_minor"] and suggestion["queue_group"] == 0


def test_a_pair_of_two_dated_adults_is_not_marked_for_two_reviewers(
    store: Store, tmp_path: Path
) -> None:
    assert Service(store).import_file(write_csv(tmp_path / "a.csv", UNDATED_AND_ADULTS)).ok
    suggestion = _suggestion(store, "GOV-2", "OIM-2")
    assert suggestion["status"] == "pending"
    assert not suggestion["involves_minor"] and suggestion["queue_group"] == 1


def test_an_incremental_import_marks_a_pair_whose_stored_person_holds_a_childs_record(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither record of the pair is a child's (Seydou's stored record tells no age, the
    new one an adult's); the stored person holds a girl's record too."""
    service = Service(store)
    girl = "GOV-3,C3,DNPEF,2021-03-04,COULIBALY Awa,F,2012,Banamba,\n"
    assert service.import_file(write_csv(tmp_path / "a.csv", UNDATED_AND_ADULTS + girl)).ok
    seydou, awa = store.find_record("GOV-1")[0], store.find_record("GOV-3")[0]
    person = uuid.uuid4()
    with store.linking() as tx:  # as a reviewer's merge would have made it
        tx.assign_entities({seydou.id: person, awa.id: person})
    monkeypatch.setattr("service.linking.RELINK_FIXED_MS", float("inf"))
    adult = HEADER + "OIM-3,R3,OIM,2022-06-01,TRAORÉ Seydou,M,1980,Kita,\n"
    report = service.import_file(write_csv(tmp_path / "b.csv", adult))
    assert report.ok and report.linked is not None and report.linked["mode"] == "incremental"
    suggestion = _suggestion(store, "GOV-1", "OIM-3")
    assert suggestion["status"] == "pending"
    assert suggestion["involves_minor"] and suggestion["queue_group"] == 0
