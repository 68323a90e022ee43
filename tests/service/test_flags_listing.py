"""Listing flagged persons over a real store (SQLite and PostgreSQL): the store finds the
page with one aggregate query, and it is the page `tracing.flags` gives on every record."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.generate import main as generate
from models.store import Store
from service import Actor, Service
from service.kingraph import load
from tracing.flags import flagged
from tracing.persons import build_profiles

ACTOR = Actor.operator("test")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    assert generate(["--households", "300", "--seed", "3", "--out", str(out), "--jobs", "1"]) == 0
    return out


@pytest.fixture
def imported(store: Store, generated: Path) -> Store:
    assert Service(store).import_file(generated / "records.csv", generated / "relations.csv").ok
    return store


def _every_flag(store: Store) -> list[dict]:
    records, _ = load(store)
    return [f.as_dict("en") for f in flagged(build_profiles(records))]


def test_the_listing_is_every_flag_of_every_person_newest_first(imported: Store) -> None:
    expected = _every_flag(imported)
    assert {f["flag"] for f in expected} == {"possible_retrafficking", "sought_by_family"}
    listed = Service(imported).flags(ACTOR, limit=200, lang="en")
    assert listed["total"] == len(expected)
    assert listed["items"] == expected[:200]


def test_a_page_further_on_is_the_same_slice(imported: Store) -> None:
    expected = _every_flag(imported)
    listed = Service(imported).flags(ACTOR, limit=7, offset=5, lang="en")
    assert listed["items"] == expected[5:12]


@pytest.mark.parametrize("flag", ["possible_retrafficking", "sought_by_family"])
def test_one_kind_of_flag_is_listed_alone(imported: Store, flag: str) -> None:
    expected = [f for f in _every_flag(imported) if f["flag"] == flag]
    listed = Service(imported).flags(ACTOR, flag=flag, limit=200, lang="en")
    assert listed["total"] == len(expected) and listed["items"] == expected[:200]


REFERRED = (
    "record_id,source,case_id,case_type,role,registered_on,full_name,sex,birth_date,"
    "origin_village\n"
    "N-1,ONG-A,N/24/1,identification,victim,2024-01-16,Hawa DIALLO,F,2010-02-03,Kita\n"
    "D-1,DNPEF,D/24/7,identification,victim,2024-03-04,DIALLO Hawa,F,2010-02-03,Kita\n"
    "D-2,DNPEF,D/24/91,identification,victim,2024-11-20,DIALLO Hawa,F,2010-02-03,Kita\n"
)


def test_a_referral_is_listed_as_no_flag_and_a_later_file_as_one(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "referred.csv"
    path.write_text("\n".join(REFERRED.splitlines()[:3]) + "\n", encoding="utf-8")
    assert Service(store).import_file(path).ok
    assert Service(store).flags(ACTOR, limit=50)["total"] == 0 == len(_every_flag(store))
    path.write_text(REFERRED, encoding="utf-8")
    assert Service(store).import_file(path).ok
    listed = Service(store).flags(ACTOR, limit=50, lang="en")
    assert [f["flag"] for f in listed["items"]] == ["possible_retrafficking"]
    assert listed["items"] == _every_flag(store)
