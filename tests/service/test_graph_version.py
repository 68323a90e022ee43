"""A stored family graph written by another version of the code is not read: the first
relatives query builds it again (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert

from models.store import Store
from models.store.kingraph import GRAPH_VERSION, kin_graph_read
from models.store.settings import delete_setting
from models.tables import kin_edges
from service import Actor, Service, kingraph
from service.kingraph import neighbourhood, rebuild_graph
from tests.conftest import write_csv
from tests.service.family import import_family
from tracing.graph_version import graph_version

ACTOR = Actor.operator("test")
OLDER = "graph-0-older"
LATER = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
    "K-1,CROIX,TR-2,tracing_request,sought,Moussa DIARRA,M,2014,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traoré\n"
)
STALE_ROW = {
    "person": "record:gone",
    "seq": 0,
    "other": "record:also-gone",
    "kind": "father",
    "probability": 0.5,
    "basis": "names",
    "evidence": "[]",
    "reasons": "[]",
}


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Store:
    """The family imported and its graph built by this code."""
    import_family(store, tmp_path)
    rebuild_graph(store)
    return store


def _edges(store: Store) -> list[str]:
    with kin_graph_read(store) as tx:
        return sorted(json.dumps(row, sort_keys=True) for row in tx.all_edges())


def _written_by_older_code(store: Store, version: str | None = OLDER) -> None:
    """What an older code would have left: a row this code does not write, and its version
    (None: a graph written before the store kept versions)."""
    with store.engine.begin() as c:
        c.execute(insert(kin_edges).values(**STALE_ROW))
        if version is None:
            delete_setting(c, GRAPH_VERSION)
    if version is not None:
        store.set_setting(GRAPH_VERSION, version)


def _ask_relatives(store: Store) -> None:
    Service(store).relatives_of_record(ACTOR, "B-1")


def _rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the graph's whole writes from now on."""
    calls: list[int] = []
    write = kingraph._write_all

    def counting(*args, **kwargs):
        calls.append(1)
        return write(*args, **kwargs)

    monkeypatch.setattr(kingraph, "_write_all", counting)
    return calls


def test_a_rebuilt_graph_carries_the_codes_version(family: Store) -> None:
    assert family.setting(GRAPH_VERSION) == graph_version()


def test_a_graph_of_another_version_is_rebuilt_by_the_first_relatives_query(
    family: Store,
) -> None:
    fresh = _edges(family)
    _written_by_older_code(family)

    _ask_relatives(family)

    assert family.setting(GRAPH_VERSION) == graph_version()
    assert _edges(family) == fresh


def test_a_graph_built_before_versions_were_kept_is_rebuilt_by_the_first_query(
    family: Store,
) -> None:
    fresh = _edges(family)
    _written_by_older_code(family, version=None)

    _ask_relatives(family)

    assert family.setting(GRAPH_VERSION) == graph_version()
    assert _edges(family) == fresh


def test_a_graph_of_another_version_is_rebuilt_by_the_first_assessment(family: Store) -> None:
    fresh = _edges(family)
    _written_by_older_code(family)

    Service(family).assessment_of_record(ACTOR, "B-1")

    assert family.setting(GRAPH_VERSION) == graph_version()
    assert _edges(family) == fresh


def test_a_current_graph_is_not_rebuilt_by_a_query(
    family: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rebuilds = _rebuilds(monkeypatch)

    _ask_relatives(family)
    _ask_relatives(family)

    assert rebuilds == []


def test_a_graph_of_another_version_is_rebuilt_once(
    family: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _written_by_older_code(family)
    rebuilds = _rebuilds(monkeypatch)

    _ask_relatives(family)
    _ask_relatives(family)

    assert rebuilds == [1]


def test_an_import_leaves_a_graph_of_another_version_to_the_first_query(
    family: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _written_by_older_code(family)
    monkeypatch.setattr("service.linking.RELINK_FIXED_MS", float("inf"))

    report = Service(family).import_file(write_csv(tmp_path / "later.csv", LATER))

    assert report.graph == {"mode": "deferred"}
    assert family.setting(GRAPH_VERSION) == OLDER


def test_a_relink_drops_the_version_with_the_graph(family: Store) -> None:
    Service(family).relink(Actor.operator("nrm relink"))

    assert _edges(family) == []
    assert family.setting(GRAPH_VERSION) is None


def test_the_query_after_a_relink_builds_the_graph_with_the_codes_version(family: Store) -> None:
    Service(family).relink(Actor.operator("nrm relink"))

    _ask_relatives(family)

    assert family.setting(GRAPH_VERSION) == graph_version()


def test_graph_rebuild_says_which_version_it_replaced(family: Store) -> None:
    family.set_setting(GRAPH_VERSION, OLDER)

    summary = Service(family).rebuild_family_graph(ACTOR)

    assert (summary["from"], summary["to"]) == (OLDER, graph_version())
    assert family.setting(GRAPH_VERSION) == graph_version()


def test_health_reports_the_versions_of_a_graph_of_another_version(family: Store) -> None:
    _written_by_older_code(family)

    status = Service(family).health()["family_graph"]

    assert status == {"stored": OLDER, "code": graph_version(), "current": False, "built": True}


def test_health_reports_a_graph_not_built_as_current(store: Store, tmp_path: Path) -> None:
    import_family(store, tmp_path)

    status = Service(store).health()["family_graph"]

    assert status == {"stored": None, "code": graph_version(), "current": True, "built": False}


def test_health_reports_a_graph_of_this_code_as_current(family: Store) -> None:
    status = Service(family).health()["family_graph"]

    assert status["current"] is True and status["stored"] == graph_version()


def test_a_neighbourhood_asked_of_a_store_without_records_is_none(store: Store) -> None:
    """Nothing to build: the query answers once instead of building again and again."""
    assert neighbourhood(store, str(uuid.uuid4())) is None
