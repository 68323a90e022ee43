"""No record left behind: records stored but not linked are linked by the next import."""

from pathlib import Path

import pytest

from models.store import Store
from service import Service
from service import linking as linking_use_case
from tests.conftest import write_csv

HEADER = "record_id,case_id,source,full_name,sex,birth_date,origin_village\n"
FIRST = HEADER + (
    "GOV-1,C1,DNPEF,KULIBALI Fatoumata,F,2006-05-04,Sirakoro\n"
    "GOV-2,C2,DNPEF,DIARRA Moussa,M,1990,Kati\n"
    "GOV-3,C3,DNPEF,MAIGA Hawa,F,2001,Gao\n"
)
SECOND = HEADER + "OIM-1,R1,OIM,Fatimata Coulibaly,F,04/05/2006,Sirakoro\n"
LATER = HEADER + "ONG-1,N1,ONG,Aminata Keita,F,1999,Bla\n"


def _unlinked(store: Store) -> set[str]:
    return {r.record_id for r in store.iter_records() if r.entity_id is None}


def test_records_of_an_import_killed_while_linking_wait_and_the_next_import_links_them(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "a.csv", FIRST)).ok

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed while linking")

    with monkeypatch.context() as patch:
        patch.setattr(linking_use_case, "match_new", killed)
        with pytest.raises(KeyboardInterrupt):
            service.import_file(write_csv(tmp_path / "b.csv", SECOND))
    assert _unlinked(store) == {"OIM-1"}
    assert store.health()["pending_records"] == 1

    report = service.import_file(write_csv(tmp_path / "c.csv", LATER))
    assert report.ok and report.pending == 0
    assert _unlinked(store) == set()
    oim = store.find_record("OIM-1")[0]
    gov = store.find_record("GOV-1")[0]
    assert oim.entity_id == gov.entity_id


def test_importing_the_same_file_again_links_what_was_left_unlinked(
    store: Store, tmp_path: Path
) -> None:
    service = Service(store)
    assert service.import_file(write_csv(tmp_path / "a.csv", FIRST)).ok
    second = write_csv(tmp_path / "b.csv", SECOND)
    report = service.import_file(second, link=False)
    assert report.ok and report.pending == 1
    again = service.import_file(second)
    assert again.ok and again.counts is not None and again.counts.unchanged == 1
    assert again.pending == 0 and _unlinked(store) == set()
