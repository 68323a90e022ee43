"""Linking through the service: file to file, after an import, the demo on both databases."""

import csv
from pathlib import Path

from api.linking import link_file
from api.service import Service
from fixtures.demo import DEMO_DIR
from models.store import Store
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


def test_entity_ids_are_stable_when_membership_does_not_change(tmp_path: Path) -> None:
    records = write_csv(tmp_path / "r.csv", FIRST + SECOND[len(HEADER) :])
    link_file(records, tmp_path / "one.csv", progress=False)
    link_file(records, tmp_path / "two.csv", progress=False)
    assert (tmp_path / "one.csv").read_text() == (tmp_path / "two.csv").read_text()
