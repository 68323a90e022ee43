"""The persisted family graph over a real store (SQLite and PostgreSQL): an incremental
update leaves exactly what a full rebuild writes, and a query reads a neighbourhood."""

from __future__ import annotations

import contextlib
import gc
import json
import random
import threading
import uuid
from pathlib import Path

import pytest

from fixtures.generate import main as generate
from models.review import DecisionKind
from models.store import Store
from models.store.kingraph import kin_graph, kin_graph_read
from models.users import UserRole
from service import Actor, Service, kingraph
from service.errors import Conflict
from service.kingraph import load, neighbourhood, rebuild_graph, update_graph
from tests.conftest import write_csv
from tests.service.family import RECORDS, import_family
from tracing.graph import Population
from tracing.relatives import relatives
from tracing.stored import assemble, declared_rows, inferred_rows

ACTOR = Actor.operator("test")

# A second file: the girl's father named again (same person, other spelling), a younger
# brother declaring both parents, a cousin's household naming the same father's brother,
# and a tracing request from the mother.
LATER = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
    "T-1,CROIX,TR-1,tracing_request,requester,Awa TRAORE,F,1984,Sirakoro,Kati,,\n"
    "T-2,CROIX,TR-1,tracing_request,sought,Fatoumata DIARRA,F,2009,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traore\n"
    "K-1,CROIX,TR-2,tracing_request,sought,Moussa DIARRA,M,2014,Sirakoro,Kati,"
    "Bakary Diarra,Awa Traoré\n"
    "K-2,CROIX,TR-2,tracing_request,requester,Drissa DIARRA,M,1975,Sirakoro,Kati,,\n"
    "K-3,CROIX,TR-3,tracing_request,sought,Oumou DIARRA,F,2005,Sirakoro,Kati,"
    "Drissa Diarra,Kadiatou Coulibaly\n"
)


def _edges(store: Store) -> list[str]:
    with kin_graph_read(store) as tx:
        return sorted(json.dumps(row, sort_keys=True) for row in tx.all_edges())


def _keys(store: Store) -> set[tuple[str, str]]:
    with kin_graph_read(store) as tx:
        return tx.all_keys()


def _same_as_rebuild(store: Store) -> None:
    edges, keys = _edges(store), _keys(store)
    assert edges, "the graph holds edges"
    rebuild_graph(store)
    rebuilt = _edges(store)
    only_updated = [e for e in edges if e not in rebuilt]
    only_rebuilt = [e for e in rebuilt if e not in edges]
    assert (only_updated, only_rebuilt) == ([], [])
    assert edges == rebuilt
    assert _keys(store) == keys


@pytest.fixture
def family(store: Store, tmp_path: Path) -> Store:
    """The family imported and its graph built (as the first query builds it)."""
    import_family(store, tmp_path)
    rebuild_graph(store)
    return store


def test_an_import_that_links_the_whole_population_leaves_the_graph_to_the_first_query(
    store: Store, tmp_path: Path
) -> None:
    import_family(store, tmp_path)
    assert _edges(store) == []
    person = str(store.find_record("F-1")[0].entity_id)
    assert neighbourhood(store, person) is not None
    _same_as_rebuild(store)


def test_a_rebuild_infers_with_the_cyclic_collector_paused_then_restores_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_family(store, tmp_path)
    collecting = []
    infer = kingraph.infer_for

    def spying(*args, **kwargs):
        collecting.append(gc.isenabled())
        return infer(*args, **kwargs)

    monkeypatch.setattr(kingraph, "infer_for", spying)
    assert gc.isenabled()
    rebuild_graph(store)
    assert collecting and not any(collecting)
    assert gc.isenabled()


def test_an_import_into_a_graph_never_built_leaves_it_unbuilt(store: Store, tmp_path: Path) -> None:
    import_family(store, tmp_path)
    report = Service(store).import_file(write_csv(tmp_path / "later.csv", LATER))
    assert report.graph == {"mode": "deferred"}
    assert _edges(store) == []


def test_an_import_updates_the_graph_as_a_rebuild_would(family: Store, tmp_path: Path) -> None:
    report = Service(family).import_file(write_csv(tmp_path / "later.csv", LATER))
    assert report.ok and report.graph is not None
    assert report.graph["mode"] == "incremental"
    _same_as_rebuild(family)


def test_an_import_without_linking_updates_the_graph_too(family: Store, tmp_path: Path) -> None:
    Service(family).import_file(write_csv(tmp_path / "later.csv", LATER), link=False)
    _same_as_rebuild(family)


def _reviewer(store: Store, name: str) -> Actor:
    user, _ = store.add_user(name, UserRole.REVIEWER)
    return Actor(user)


def _match(service: Service, store: Store, a: uuid.UUID, b: uuid.UUID):
    """Two reviewers if a minor is involved (four eyes), one otherwise."""
    done = service.link_records(_reviewer(store, "r1"), a, b, DecisionKind.MATCH, None)
    if done.decision["effect"] != "merged":
        done = service.link_records(_reviewer(store, "r2"), a, b, DecisionKind.MATCH, None)
    return done


def _record(store: Store, record_id: str) -> uuid.UUID:
    return store.find_record(record_id)[0].id


def test_a_merge_and_its_revert_update_the_graph_as_a_rebuild_would(
    family: Store, tmp_path: Path
) -> None:
    service = Service(family)
    service.import_file(write_csv(tmp_path / "later.csv", LATER))
    a, b = _record(family, "F-1"), _record(family, "K-2")
    merged = _match(service, family, a, b)
    assert merged.decision["effect"] == "merged"
    _same_as_rebuild(family)
    admin, _ = family.add_user("admin", UserRole.ADMIN)
    service.revert(Actor(admin), uuid.UUID(merged.decision["id"]), "test")
    _same_as_rebuild(family)


def test_a_revert_updates_the_person_it_takes_a_record_from(family: Store, tmp_path: Path) -> None:
    """After a relink moved a record of a merged person elsewhere, reverting the merge
    puts that record back where it was: the person it leaves is updated too, although
    neither record of the reverted pair is in it."""
    service = Service(family)
    service.import_file(write_csv(tmp_path / "later.csv", LATER))
    a, b = _record(family, "V-1"), _record(family, "X-1")
    merged = _match(service, family, a, b)
    person = family.get_record(a).entity_id
    others = [r.id for r in family.iter_records() if r.entity_id == person]
    other = next(r for r in others if r not in {a, b})
    with family.linking() as tx:
        tx.assign_entities({other: uuid.uuid4()})
    rebuild_graph(family)
    admin, _ = family.add_user("admin", UserRole.ADMIN)
    service.revert(Actor(admin), uuid.UUID(merged.decision["id"]), "test")
    _same_as_rebuild(family)


def test_a_split_updates_the_graph_as_a_rebuild_would(family: Store) -> None:
    service = Service(family)
    a, b = _record(family, "V-1"), _record(family, "B-1")
    if family.get_record(a).entity_id != family.get_record(b).entity_id:
        _match(service, family, a, b)
    done = service.link_records(_reviewer(family, "r3"), a, b, DecisionKind.NON_MATCH, None)
    assert done.decision["effect"] == "split"
    _same_as_rebuild(family)


def _read_as_in_the_whole_graph(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every person's relatives, read from the store around the person, are those of the
    whole graph built in memory (the bounds of the read lifted: with them, a query reads
    only the likeliest inferences others made about a person, and what the ranking
    follows from relations at least `FOLLOWED_FLOOR` likely)."""
    monkeypatch.setattr("service.kingraph.INCOMING", 10**6)
    monkeypatch.setattr("service.kingraph.FOLLOWED_INCOMING", 10**6)
    monkeypatch.setattr("service.kingraph.FOLLOWED_FLOOR", 0.0)
    records, declared = load(store)
    population = Population.build(records, declared)
    rows = declared_rows(declared, population.person_of)
    for person in sorted(population.profiles):
        rows += inferred_rows(person, population.infer(person))
    whole = assemble(population.profiles, rows)
    for person in population.profiles:
        near = neighbourhood(store, person)
        assert near is not None
        assert [r.as_dict("en") for r in relatives(near, person, 50)] == [
            r.as_dict("en") for r in relatives(whole, person, 50)
        ], person


def test_relatives_read_from_the_store_are_those_of_the_whole_graph(
    family: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Service(family).import_file(write_csv(tmp_path / "later.csv", LATER))
    _read_as_in_the_whole_graph(family, monkeypatch)


def test_a_query_reads_only_the_neighbourhood(family: Store) -> None:
    alone = family.find_record("X-1")[0]
    person = str(alone.entity_id) if alone.entity_id else f"record:{alone.id}"
    near = neighbourhood(family, person)
    assert near is not None and set(near.profiles) == {person}


def test_a_graph_update_waits_for_the_writer_before_it(family: Store) -> None:
    """Two writers of the graph never interleave: an update started while a rebuild (or
    another update) holds the graph runs when that one has committed."""
    order: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with kin_graph(family):
            order.append("first in")
            holding.set()
            release.wait(30)
            order.append("first out")

    def second() -> None:
        update_graph(family, [_record(family, "F-1")])
        order.append("second done")

    writer = threading.Thread(target=first)
    writer.start()
    assert holding.wait(30)
    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "the second writer waits"
    release.set()
    writer.join(30)
    waiting.join(30)
    assert order == ["first in", "first out", "second done"]
    _same_as_rebuild(family)


def test_the_rebuild_is_audited(family: Store) -> None:
    summary = Service(family).rebuild_family_graph(ACTOR)
    assert summary["persons"] >= 6 and summary["edges"] > 0
    rows, _ = family.audit_rows({"action": "graph_rebuild"})
    assert len(rows) == 1 and rows[0]["detail"]["edges"] == summary["edges"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated")
    assert generate(["--households", "120", "--seed", "7", "--out", str(out), "--jobs", "1"]) == 0
    return out


def _parts(generated: Path, tmp_path: Path) -> list[tuple[Path, Path]]:
    """The generated records cut in two files (one row in eight in the second, so that it
    is linked incrementally), each with the relations its rows declare (a relation of
    the second file may name a stored record of the first)."""
    header, *rows = (generated / "records.csv").read_text(encoding="utf-8").splitlines()
    first = [r for k, r in enumerate(rows) if k % 8]
    second = [r for k, r in enumerate(rows) if not k % 8]
    in_first = {r.split(",", 1)[0] for r in first}
    top, *relations = (generated / "relations.csv").read_text(encoding="utf-8").splitlines()
    early = [r for r in relations if {r.split(",")[0], r.split(",")[2]} <= in_first]
    late = [r for r in relations if r not in early]
    parts = []
    for name, part, declared in (("first", first, early), ("second", second, late)):
        records, related = tmp_path / f"{name}.csv", tmp_path / f"{name}-relations.csv"
        records.write_text("\n".join([header, *part]) + "\n", encoding="utf-8")
        related.write_text("\n".join([top, *declared]) + "\n", encoding="utf-8")
        parts.append((records, related))
    return parts


def test_a_generated_population_imported_in_two_files_updates_as_a_rebuild_would(
    store: Store, generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first, early), (second, late) = _parts(generated, tmp_path)
    service = Service(store)
    assert service.import_file(first, early).ok
    rebuild_graph(store)
    # linked incrementally, so that the graph is updated rather than dropped
    monkeypatch.setattr("service.linking.RELINK_FIXED_MS", float("inf"))
    report = service.import_file(second, late)
    assert report.ok, report.as_dict()["errors"][:3]
    assert report.graph is not None and report.graph["mode"] == "incremental"
    assert report.graph["recomputed"] > report.graph["touched"]
    _same_as_rebuild(store)
    _read_as_in_the_whole_graph(store, monkeypatch)


def test_a_changed_record_updates_the_graph_as_a_rebuild_would(
    family: Store, tmp_path: Path
) -> None:
    changed = RECORDS.replace("Bakary Diarra,Awa Traoré,+223", "Seydou Coulibaly,Awa Traoré,+223")
    assert changed != RECORDS
    report = Service(family).import_file(write_csv(tmp_path / "changed.csv", changed))
    assert report.counts is not None and report.counts.changed == 1
    _same_as_rebuild(family)


HEADER = (
    "record_id,source,case_id,case_type,role,full_name,sex,birth_date,origin_village,"
    "origin_cercle,father_name,mother_name\n"
)


def _crowd(children: int, fathers: int, start: int = 0) -> str:
    """Children declaring a father Bakary Diarra, and men of that name, each in a case."""
    rows = [
        f"C-{k},ONG,C{k},identification,victim,Awa DIARRA,F,{2005 + k % 8},Sirakoro,Kati,"
        "Bakary Diarra,\n"
        for k in range(children)
    ]
    rows += [
        f"F-{k},ONG,F{k},reintegration,household_member,Bakary DIARRA,M,{1960 + k},"
        "Sirakoro,Kati,,\n"
        for k in range(start, start + fathers)
    ]
    return HEADER + "".join(rows)


def _one_more_father(store: Store, tmp_path: Path, *, children: int, fathers: int) -> dict:
    """Import the crowd, build the graph, then import one more Bakary Diarra: how the
    graph was updated."""
    service = Service(store)
    first = write_csv(tmp_path / "a.csv", _crowd(children, fathers))
    assert service.import_file(first, link=False).ok
    rebuild_graph(store)
    report = service.import_file(write_csv(tmp_path / "b.csv", _crowd(0, 1, fathers)), link=False)
    assert report.graph is not None
    return report.graph


def test_a_man_joining_a_name_too_common_to_read_changes_nobody_else(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracing.kinindex.MAX_CANDIDATES", 4)
    assert _one_more_father(store, tmp_path, children=4, fathers=5) == {
        "mode": "incremental",
        "touched": 1,
        "recomputed": 1,
        "extended": 0,
        "edges": 0,
    }
    _same_as_rebuild(store)


def test_a_man_joining_a_name_few_bear_is_added_to_the_children_declaring_it(
    store: Store, tmp_path: Path
) -> None:
    graph = _one_more_father(store, tmp_path, children=5, fathers=2)
    assert (graph["recomputed"], graph["extended"]) == (1, 5)
    _same_as_rebuild(store)


def test_a_man_making_a_name_s_crowd_bigger_recomputes_the_children_declaring_it(
    store: Store, tmp_path: Path
) -> None:
    graph = _one_more_father(store, tmp_path, children=5, fathers=3)
    assert (graph["recomputed"], graph["extended"]) == (1 + 5, 0)
    _same_as_rebuild(store)


def test_a_query_reads_only_the_likeliest_inferences_others_made_about_a_person(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Service(store).import_file(write_csv(tmp_path / "a.csv", _crowd(6, 1)), link=False)
    rebuild_graph(store)
    father = store.find_record("F-0")[0]
    person = str(father.entity_id) if father.entity_id else f"record:{father.id}"
    whole = neighbourhood(store, person)
    assert whole is not None and len(whole.children(person)) == 6
    monkeypatch.setattr("service.kingraph.INCOMING", 2)
    near = neighbourhood(store, person)
    assert near is not None
    likeliest = sorted(p for _, e in whole.children(person) for p in [e.probability])[-2:]
    assert sorted(e.probability for _, e in near.children(person)) == likeliest


def _decisions_in_random_order(
    store: Store, seed: int, steps: int, later: list[tuple[Path, Path]]
) -> None:
    """Reviewers merge, split and revert at random (a revert always of the latest decision
    still standing, as later decisions must be reverted first; a decision the service
    refuses, such as a merge of two persons of one case, changes nothing) while files keep
    arriving (a file that relinks the whole population leaves the graph to be
    rebuilt); after each step the graph is what a rebuild writes."""
    rng = random.Random(seed)
    service = Service(store)
    reviewers = [_reviewer(store, f"fuzz-{seed}-{k}") for k in range(2)]
    admin, _ = store.add_user(f"fuzz-admin-{seed}", UserRole.ADMIN)
    standing: list[uuid.UUID] = []
    moves: list[str] = []
    for _ in range(steps):
        by_person: dict[uuid.UUID, list[uuid.UUID]] = {}
        for r in store.iter_records():
            if r.entity_id is not None:
                by_person.setdefault(r.entity_id, []).append(r.id)
        shared = [ids for ids in by_person.values() if len(ids) > 1]
        move = rng.choice(["match", "split", "revert", "import"])
        moves.append(move)
        if move == "import" and later:
            report = service.import_file(*later.pop(0))
            assert report.ok and report.graph is not None
            if report.graph["mode"] == "deferred":
                rebuild_graph(store)
        elif move == "revert" and standing:
            undone = service.revert(Actor(admin), standing.pop(), "fuzz").suggestion or {}
            if withdrawn := undone.get("confirmation_withdrawn"):  # a child's merge undone
                standing.remove(uuid.UUID(withdrawn))
        elif move == "split" and shared:
            a, b = rng.sample(rng.choice(shared), 2)
            with contextlib.suppress(Conflict):
                done = service.link_records(reviewers[0], a, b, DecisionKind.NON_MATCH, None)
                standing.append(uuid.UUID(done.decision["id"]))
        else:
            a, b = (rng.choice(by_person[p]) for p in rng.sample(sorted(by_person), 2))
            for reviewer in reviewers:
                try:
                    done = service.link_records(reviewer, a, b, DecisionKind.MATCH, None)
                except Conflict:
                    break
                standing.append(uuid.UUID(done.decision["id"]))
                if done.decision["effect"] == "merged":
                    break
        try:
            _same_as_rebuild(store)
        except AssertionError as failed:
            raise AssertionError(f"after {', '.join(moves)} (seed {seed})") from failed


def _files(generated: Path, tmp_path: Path, count: int) -> list[tuple[Path, Path]]:
    """The generated records cut in files of consecutive rows, each with the relations
    whose later record it holds (a relation may name a record of an earlier file)."""
    header, *rows = (generated / "records.csv").read_text(encoding="utf-8").splitlines()
    top, *relations = (generated / "relations.csv").read_text(encoding="utf-8").splitlines()
    files, seen = [], set()
    size = -(-len(rows) // count)
    for k in range(count):
        part = rows[k * size : (k + 1) * size]
        seen |= {r.split(",", 1)[0] for r in part}
        declared = [r for r in relations if {r.split(",")[0], r.split(",")[2]} <= seen]
        relations = [r for r in relations if r not in declared]
        records, related = tmp_path / f"part-{k}.csv", tmp_path / f"part-{k}-relations.csv"
        records.write_text("\n".join([header, *part]) + "\n", encoding="utf-8")
        related.write_text("\n".join([top, *declared]) + "\n", encoding="utf-8")
        files.append((records, related))
    return files


@pytest.mark.parametrize("seed", [141, 7, 2026])
def test_merges_splits_reverts_and_imports_in_any_order_update_the_graph_as_a_rebuild_would(
    store: Store, generated: Path, tmp_path: Path, seed: int
) -> None:
    first, *later = _files(generated, tmp_path, 6)
    assert Service(store).import_file(*first).ok
    rebuild_graph(store)
    _decisions_in_random_order(store, seed, 16, later)
