"""Reviewers decide suggestions: ETag / If-Match, four eyes, direct links, revert."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from models.store import Store
from service import Service
from service.importing import import_records
from service.registry import active_model
from service.relinking import relink_all
from service.scoring import score_pair, suggestion_row
from tests.api.conftest import World, add_suggestion
from tests.conftest import write_csv


def _read(world: World, name: str, who: str = "reviewer") -> tuple[dict, str]:
    response = world.client.get(
        f"/suggestions/{world.suggestions[name]}", headers=world.headers(who)
    )
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


def _entities(store: Store) -> dict[str, object]:
    return {r.record_id: r.entity_id for r in store.list_records({}, limit=200).items}


def test_the_queue_puts_children_and_tracing_requests_first(world: World) -> None:
    body = world.client.get("/suggestions", headers=world.headers("reviewer@ONG-A")).json()
    ids = [item["id"] for item in body["items"]]
    adult = str(world.suggestions["adult"])
    assert ids.index(adult) == len(ids) - 1
    first = body["items"][0]
    assert first["involves_minor"] or first["tracing_request"]


def test_the_queue_filters_by_minor_and_probability(world: World) -> None:
    minors = world.client.get(
        "/suggestions?involves_minor=true", headers=world.headers("reviewer")
    ).json()
    assert [i["id"] for i in minors["items"]] == [str(world.suggestions["child"])]
    none = world.client.get(
        "/suggestions?min_probability=1&max_probability=1", headers=world.headers("reviewer")
    ).json()
    assert none["items"] == [] and none["total"] == 0


def test_the_queue_filters_by_organisation_and_case_type(world: World) -> None:
    tracing = world.client.get(
        "/suggestions?case_type=tracing_request", headers=world.headers("reviewer@ONG-A")
    ).json()
    assert [i["id"] for i in tracing["items"]] == [str(world.suggestions["tracing"])]
    other = world.client.get(
        "/suggestions?organisation=UNICEF", headers=world.headers("reviewer")
    ).json()
    assert other["total"] == 0


def test_a_cursor_walks_the_queue_once(world: World) -> None:
    seen, cursor = [], None
    while True:
        url = "/suggestions?limit=1" + (f"&cursor={cursor}" if cursor else "")
        body = world.client.get(url, headers=world.headers("reviewer")).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(str(s) for s in world.suggestions.values())


def test_a_suggestion_shows_both_records_and_every_field_in_french(world: World) -> None:
    body, etag = _read(world, "adult")
    assert sorted(r["record_id"] for r in body["records"]) == ["A-1", "A-2"]
    fields = {c["field"] for c in body["comparison"]}
    assert {"family_name", "given_names", "birth", "origin_place", "father"} <= fields
    assert any("nom" in c["reason"] for c in body["comparison"])
    assert etag.startswith('"')


def test_a_suggestion_speaks_english_when_asked(world: World) -> None:
    response = world.client.get(
        f"/suggestions/{world.suggestions['adult']}",
        headers=world.headers("reviewer", **{"Accept-Language": "en-GB,en;q=0.9"}),
    )
    reasons = " ".join(c["reason"] for c in response.json()["comparison"])
    assert "name" in reasons and "nom " not in reasons


def test_a_decision_without_if_match_is_refused_with_428(world: World) -> None:
    response = world.client.post(
        f"/suggestions/{world.suggestions['adult']}/decision",
        json={"decision": "match"},
        headers=world.headers("reviewer"),
    )
    assert response.status_code == 428


def test_a_decision_with_a_stale_etag_is_refused_with_412(world: World) -> None:
    etag = world.etag("adult")
    assert world.decide("adult", "unsure", etag=etag).status_code == 200
    stale = world.decide("adult", "match", etag=etag)
    assert stale.status_code == 412
    assert "a changé depuis votre lecture" in stale.json()["detail"]


def test_a_confirmed_match_merges_the_two_persons(world: World) -> None:
    response = world.decide("adult", "match")
    assert response.status_code == 200, response.text
    assert response.json()["suggestion"]["status"] == "confirmed"
    assert response.json()["decision"]["effect"] == "merged"
    entities = _entities(world.store)
    assert entities["A-1"] is not None and entities["A-1"] == entities["A-2"]


def test_a_decided_suggestion_cannot_be_decided_again(world: World) -> None:
    world.decide("adult", "non_match")
    again = world.decide("adult", "match")
    assert again.status_code == 409
    assert "annulez cette décision" in again.json()["detail"]


@pytest.mark.parametrize("attempts", [2])
def test_of_two_reviewers_deciding_at_once_exactly_one_wins(world: World, attempts: int) -> None:
    etag = world.etag("adult")
    headers = [world.headers(f"reviewer{i}") for i in range(attempts)]
    barrier = threading.Barrier(attempts)
    statuses: list[int] = []

    def decide(i: int) -> None:
        barrier.wait()
        response = world.client.post(
            f"/suggestions/{world.suggestions['adult']}/decision",
            json={"decision": "match" if i == 0 else "non_match"},
            headers={**headers[i], "If-Match": etag},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 412]
    events = [d for d in world.store.decisions_touching([world.records["A-1"]])]
    assert len(events) == 1


def test_a_child_merge_waits_for_a_second_reviewer(world: World) -> None:
    first = world.decide("child", "match", who="reviewer")
    assert first.json()["suggestion"] == {
        "id": str(world.suggestions["child"]),
        "status": "awaiting_second",
        "version": 2,
        "confirmations": 1,
        "confirmation_withdrawn": None,
    }
    entities = _entities(world.store)
    assert entities["K-1"] is None or entities["K-1"] != entities["K-2"]
    listed, _ = _read(world, "child", "reviewer2")
    assert listed["confirmations"] == 1


def test_the_same_reviewer_cannot_confirm_a_child_merge_twice(world: World) -> None:
    world.decide("child", "match", who="reviewer")
    again = world.decide("child", "match", who="reviewer")
    assert again.status_code == 409
    assert "quatre yeux" in again.json()["detail"]


def test_a_second_reviewer_completes_a_child_merge(world: World) -> None:
    world.decide("child", "match", who="reviewer")
    second = world.decide("child", "match", who="reviewer2")
    assert second.json()["suggestion"]["status"] == "confirmed"
    entities = _entities(world.store)
    assert entities["K-1"] is not None and entities["K-1"] == entities["K-2"]


def test_reverting_a_merge_restores_the_persons_exactly(world: World) -> None:
    before = _entities(world.store)
    decided = world.decide("adult", "match").json()
    reverted = world.client.post(
        f"/decisions/{decided['decision']['id']}/revert",
        json={"reason": "mauvais dossier ouvert"},
        headers=world.headers("reviewer"),
    )
    assert reverted.status_code == 201, reverted.text
    assert _entities(world.store) == before
    assert reverted.json()["suggestion"]["status"] == "pending"
    assert world.store.get_decision(uuid.UUID(decided["decision"]["id"])) is not None


def test_undoing_a_childs_merge_withdraws_its_first_confirmation_too(world: World) -> None:
    """The merge was wrong: the pair waits for two fresh confirmations, not for one click of
    any other reviewer; the first confirmation is reverted by an event of its own."""
    first = world.decide("child", "match", who="reviewer").json()
    second = world.decide("child", "match", who="reviewer2").json()
    assert second["suggestion"]["confirmations"] == 2
    reverted = world.client.post(
        f"/decisions/{second['decision']['id']}/revert",
        json={"reason": "pas le même père finalement"},
        headers=world.headers("reviewer2"),
    )
    assert reverted.json()["suggestion"]["confirmations"] == 0
    assert reverted.json()["suggestion"]["confirmation_withdrawn"] == first["decision"]["id"]
    body, _ = _read(world, "child")
    assert body["status"] == "pending" and body["confirmations"] == 0
    rows, _ = world.store.audit_rows({"action": "revert"})
    assert first["decision"]["id"] in rows[0]["object_ids"]


def test_withdrawing_a_first_confirmation_leaves_the_child_pending(world: World) -> None:
    first = world.decide("child", "match", who="reviewer").json()
    reverted = world.client.post(
        f"/decisions/{first['decision']['id']}/revert",
        json={"reason": "trop vite"},
        headers=world.headers("reviewer"),
    )
    assert reverted.json()["suggestion"]["status"] == "pending"
    assert reverted.json()["suggestion"]["confirmation_withdrawn"] is None


def test_the_first_confirmation_of_a_merged_child_is_reverted_after_the_merge(
    world: World,
) -> None:
    first = world.decide("child", "match", who="reviewer").json()
    second = world.decide("child", "match", who="reviewer2").json()
    refused = world.client.post(
        f"/decisions/{first['decision']['id']}/revert",
        json={"reason": "à revoir"},
        headers=world.headers("reviewer"),
    )
    assert refused.status_code == 409
    assert second["decision"]["id"][:8] in refused.json()["detail"]
    entities = _entities(world.store)
    assert entities["K-1"] == entities["K-2"]
    body, _ = _read(world, "child")
    assert body["status"] == "confirmed"


def _link_as(world: World, who: str, first: str, second: str) -> dict:
    response = world.client.post(
        "/links",
        json={
            "record_a": str(world.records[first]),
            "record_b": str(world.records[second]),
            "action": "link",
        },
        headers=world.headers(who),
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_link_into_a_childs_person_waits_for_a_second_reviewer(world: World) -> None:
    """Two adults' records, but one's person holds a girl's record: the merge joins a
    child's person, so two reviewers decide it, whichever two records it names."""
    _link_as(world, "reviewer", "K-1", "A-2")
    _link_as(world, "reviewer2", "K-1", "A-2")
    assert _entities(world.store)["K-1"] == _entities(world.store)["A-2"]
    first = _link_as(world, "reviewer", "A-1", "A-2")
    assert first["suggestion"]["status"] == "awaiting_second"
    assert _entities(world.store)["A-1"] != _entities(world.store)["A-2"]
    second = _link_as(world, "reviewer2", "A-1", "A-2")
    assert second["suggestion"]["status"] == "confirmed"
    assert _entities(world.store)["A-1"] == _entities(world.store)["K-1"]


def test_a_suggestion_found_to_join_a_childs_person_stays_marked_when_linkage_rescores_it(
    world: World,
) -> None:
    _link_as(world, "reviewer", "K-1", "A-2")
    _link_as(world, "reviewer2", "K-1", "A-2")
    waiting = _link_as(world, "reviewer", "A-1", "A-2")["suggestion"]
    a, b = (
        world.store.get_record(world.records["A-1"]),
        world.store.get_record(world.records["A-2"]),
    )
    scored = score_pair(a, b, active_model(world.store), world.store.estimated_record_count())
    by_id = {a.id: a.model_dump(), b.id: b.model_dump()}
    row = suggestion_row(scored, by_id[scored["record_a"]], by_id[scored["record_b"]])
    assert not row["involves_minor"]  # the pair alone names no child
    world.store.sync_suggestions([{**row, "probability": 0.42}], scope=[a.id, b.id])
    body, _ = _read(world, "adult")
    assert body["id"] == waiting["id"]
    assert body["involves_minor"] and body["status"] == "awaiting_second"


UNDATED = (
    "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,origin_village\n"
    "U-1,DNPEF,C8,tracing_request,2024-03-04,TRAORE Seydou,M,,Kati\n"
    "U-2,OIM,C9,return,2024-06-01,TRAORÉ Seydou,M,,Kita\n"
)
"""A sought person of unknown age, and a return that may be him: no record tells his age."""


def _add_undated(world: World, tmp_path: Path) -> None:
    """Seydou's records in the review world, each its own person (imported, not linked)."""
    assert import_records(world.store, write_csv(tmp_path / "undated.csv", UNDATED)).ok
    for name in ("U-1", "U-2"):
        world.records[name] = world.store.find_record(name)[0].id


def _queue_ids(world: World, query: str) -> set[str]:
    body = world.client.get(f"/suggestions?{query}", headers=world.headers("reviewer")).json()
    return {item["id"] for item in body["items"]}


def test_the_minor_filter_finds_a_pair_whose_person_no_record_dates_before_any_decision(
    world: World, tmp_path: Path
) -> None:
    imported = Service(world.store).import_file(write_csv(tmp_path / "undated.csv", UNDATED))
    assert imported.ok
    with world.store.review_transaction() as tx:
        pair = tx.suggestion_for_pair(
            world.store.find_record("U-1")[0].id, world.store.find_record("U-2")[0].id
        )
    assert pair is not None and pair["status"] == "pending"
    assert str(pair["id"]) in _queue_ids(world, "involves_minor=true")
    assert str(pair["id"]) not in _queue_ids(world, "involves_minor=false")


def test_a_merge_into_a_childs_person_marks_the_persons_other_pairs_for_two_reviewers(
    world: World,
) -> None:
    """A-1 and A-2 are an adult's records; once A-2's person holds a girl's record, the
    pair waits for two reviewers from the moment the merge is made, not from the moment
    a reviewer confirms it."""
    assert not _read(world, "adult")[0]["involves_minor"]
    _link_as(world, "reviewer", "K-1", "A-2")
    _link_as(world, "reviewer2", "K-1", "A-2")
    assert _read(world, "adult")[0]["involves_minor"]
    assert str(world.suggestions["adult"]) in _queue_ids(world, "involves_minor=true")


def test_a_split_leaving_a_person_of_unknown_age_marks_its_pairs_for_two_reviewers(
    world: World, tmp_path: Path
) -> None:
    """Linkage put U-1 with T-1, an adult's record: their person's age is told, so the pair
    of U-1 and T-2 needs one reviewer, until a reviewer parts U-1 from T-1."""
    _add_undated(world, tmp_path)
    person = uuid.uuid4()
    with world.store.linking() as tx:
        tx.assign_entities({world.records["U-1"]: person, world.records["T-1"]: person})
    world.suggestions["undated"] = add_suggestion(
        world.store, world.records["U-1"], world.records["T-2"]
    )
    assert not _read(world, "undated")[0]["involves_minor"]
    unlinked = world.link("U-1", "T-1", action="unlink")
    assert unlinked.status_code == 201, unlinked.text
    assert _read(world, "undated")[0]["involves_minor"]


def test_a_reverted_merge_leaving_a_person_of_unknown_age_marks_its_pairs_for_two_reviewers(
    world: World, tmp_path: Path
) -> None:
    _add_undated(world, tmp_path)
    _link_as(world, "reviewer", "U-1", "T-1")
    merged = _link_as(world, "reviewer2", "U-1", "T-1")
    world.suggestions["undated"] = add_suggestion(
        world.store, world.records["U-1"], world.records["T-2"]
    )
    assert not _read(world, "undated")[0]["involves_minor"]
    reverted = world.client.post(
        f"/decisions/{merged['decision']['id']}/revert",
        json={"reason": "pas la même personne"},
        headers=world.headers("reviewer"),
    )
    assert reverted.status_code == 201, reverted.text
    assert _read(world, "undated")[0]["involves_minor"]


def test_an_adult_merged_by_one_reviewer_has_one_confirmation(world: World) -> None:
    decided = world.decide("adult", "match").json()
    assert decided["suggestion"]["status"] == "confirmed"
    assert decided["suggestion"]["confirmations"] == 1
    body, _ = _read(world, "adult")
    assert body["confirmations"] == 1


def test_a_decision_is_reverted_only_once(world: World) -> None:
    decided = world.decide("adult", "match").json()
    url = f"/decisions/{decided['decision']['id']}/revert"
    first = world.client.post(url, json={"reason": "erreur"}, headers=world.headers("reviewer"))
    second = world.client.post(url, json={"reason": "erreur"}, headers=world.headers("reviewer"))
    assert (first.status_code, second.status_code) == (201, 409)


def test_a_decision_that_later_ones_built_on_is_reverted_after_them(world: World) -> None:
    merged = world.decide("adult", "match").json()
    a3 = world.records["A-1"]
    other = add_suggestion(world.store, a3, world.records["T-2"])
    world.suggestions["later"] = other
    later = world.decide("later", "match")
    assert later.status_code == 200, later.text
    refused = world.client.post(
        f"/decisions/{merged['decision']['id']}/revert",
        json={"reason": "erreur"},
        headers=world.headers("reviewer"),
    )
    assert refused.status_code == 409
    assert later.json()["decision"]["id"][:8] in refused.json()["detail"]


def test_two_people_of_one_case_are_never_merged(world: World) -> None:
    response = world.link("S-1", "S-2", who="reviewer@OIM")
    assert response.status_code == 409
    assert "dossier C7 de OIM" in response.json()["detail"]


def test_the_refusal_names_no_case_id_to_another_organisation(world: World) -> None:
    """A case id is not in the minimal view of another organisation's records."""
    response = world.link("S-1", "S-2", who="reviewer@ONG-A")
    assert response.status_code == 409
    assert "un dossier de OIM" in response.json()["detail"]
    assert "C7" not in response.json()["detail"]


def test_a_childs_merge_two_people_of_one_case_forbid_is_refused_at_its_first_confirmation(
    world: World, tmp_path: Path
) -> None:
    """Refused at once, not left waiting for a second reviewer who could only be refused."""
    sister = "record_id,source,case_id,full_name,sex,birth_date\nK-3,OIM,C3,COULIBALY Awa,F,2013\n"
    assert import_records(world.store, write_csv(tmp_path / "sister.csv", sister)).ok
    (k3,) = [r.id for r in world.store.find_record("K-3", "OIM")]
    response = world.client.post(
        "/links",
        json={"record_a": str(world.records["K-1"]), "record_b": str(k3), "action": "link"},
        headers=world.headers("reviewer@OIM"),
    )
    assert response.status_code == 409 and "dossier C3" in response.json()["detail"]
    queue = world.client.get(
        "/suggestions?status=awaiting_second", headers=world.headers("reviewer2")
    )
    assert queue.json()["items"] == []


def test_a_direct_link_creates_a_suggestion_and_merges(world: World) -> None:
    response = world.link("A-1", "T-1", note="même personne, confirmé par téléphone")
    assert response.status_code == 201, response.text
    assert response.json()["suggestion"]["status"] == "confirmed"
    entities = _entities(world.store)
    assert entities["A-1"] == entities["T-1"]


def test_a_rejection_splits_a_person_linkage_had_made(world: World) -> None:
    relink_all(world.store)
    entities = _entities(world.store)
    assert entities["A-1"] == entities["A-2"], "the linker should merge this clear pair"
    response = world.link("A-1", "A-2", "unlink")
    assert response.status_code == 201, response.text
    assert response.json()["decision"]["effect"] == "split"
    after = _entities(world.store)
    assert after["A-2"] != after["A-1"]
    assert entities["A-1"] in (after["A-1"], after["A-2"]), "one part keeps the person's id"


def test_reverting_a_split_restores_the_person(world: World) -> None:
    relink_all(world.store)
    before = _entities(world.store)
    split = world.link("A-1", "A-2", "unlink").json()
    world.client.post(
        f"/decisions/{split['decision']['id']}/revert",
        json={"reason": "erreur de saisie"},
        headers=world.headers("reviewer"),
    )
    assert _entities(world.store) == before


def test_relinking_never_undoes_a_rejection(world: World) -> None:
    relink_all(world.store)
    world.link("A-1", "A-2", "unlink")
    relink_all(world.store)
    entities = _entities(world.store)
    assert entities["A-1"] != entities["A-2"]


def test_relinking_never_undoes_a_confirmation(world: World) -> None:
    world.link("A-1", "T-1")
    relink_all(world.store)
    entities = _entities(world.store)
    assert entities["A-1"] == entities["T-1"]


def test_relinking_keeps_a_childs_link_waiting_for_its_second_reviewer(world: World) -> None:
    _link_as(world, "reviewer", "K-1", "A-2")
    first = _link_as(world, "reviewer", "K-1", "A-1")
    assert first["suggestion"]["status"] == "awaiting_second"
    held = world.store.get_suggestion(uuid.UUID(first["suggestion"]["id"]))
    relink_all(world.store)
    kept = world.store.get_suggestion(uuid.UUID(first["suggestion"]["id"]))
    assert held is not None and kept is not None and kept["status"] == "awaiting_second"
    assert kept["version"] > held["version"]  # scored again: the second reviewer re-reads
    second = _link_as(world, "reviewer2", "K-1", "A-1")
    assert second["suggestion"]["status"] == "confirmed"


def test_decisions_survive_relinking_as_decided_suggestions(world: World) -> None:
    world.decide("tracing", "non_match")
    relink_all(world.store)
    body, _ = _read(world, "tracing")
    assert body["status"] == "rejected"


def test_an_incremental_import_never_undoes_a_rejection(world: World, tmp_path) -> None:
    relink_all(world.store)
    world.link("A-1", "A-2", "unlink")
    newcomer = tmp_path / "new.csv"
    newcomer.write_text(
        "record_id,source,case_id,case_type,registered_on,full_name,sex,birth_date,"
        "origin_village,origin_cercle,father_name,mother_name\n"
        "A-3,CROIX-ROUGE,C9,reintegration,2024-09-01,TRAORE Aminata,F,1990,Sirakoro,Kati,"
        "Bakary,Fatoumata Diarra\n",
        encoding="utf-8",
    )
    report = Service(world.store).import_file(newcomer)
    assert report.ok and report.linked["records"] == 1
    entities = _entities(world.store)
    assert entities["A-1"] != entities["A-2"]
    assert entities["A-3"] in (entities["A-1"], entities["A-2"])


def test_the_next_suggestion_comes_side_by_side_with_its_etag(world: World) -> None:
    response = world.client.get("/suggestions/next", headers=world.headers("reviewer"))
    queue = world.client.get("/suggestions", headers=world.headers("reviewer")).json()
    assert response.status_code == 200
    assert response.json()["id"] == queue["items"][0]["id"]
    assert len(response.json()["records"]) == 2
    assert response.headers["ETag"].startswith('"')


def test_a_team_member_can_take_the_one_after(world: World) -> None:
    second = world.client.get("/suggestions/next?skip=1", headers=world.headers("reviewer"))
    queue = world.client.get("/suggestions", headers=world.headers("reviewer")).json()
    assert second.json()["id"] == queue["items"][1]["id"]


def test_an_empty_queue_has_no_next_suggestion(world: World) -> None:
    for name in world.suggestions:
        assert world.decide(name, "unsure").status_code == 200
    response = world.client.get("/suggestions/next", headers=world.headers("reviewer"))
    assert response.status_code == 404


def _revert(world: World, decision_id: str):
    return world.client.post(
        f"/decisions/{decision_id}/revert",
        json={"reason": "erreur de saisie"},
        headers=world.headers("reviewer"),
    )


def test_a_merge_is_not_reverted_under_a_later_confirmation_that_stands_on_it(
    world: World,
) -> None:
    """ "A is C" was decided after A joined C's person: parting A again would leave that
    confirmation standing between two persons (and the next relink would merge them)."""
    assert world.link("T-1", "T-2").status_code == 201
    merge = world.link("A-1", "T-1").json()
    assert merge["decision"]["effect"] == "merged"
    standing = world.link("A-1", "T-2").json()
    assert standing["decision"]["effect"] == "none"
    refused = _revert(world, merge["decision"]["id"])
    assert refused.status_code == 409
    assert standing["decision"]["id"] in refused.json()["detail"]
    assert _revert(world, standing["decision"]["id"]).status_code == 201
    assert _revert(world, merge["decision"]["id"]).status_code == 201
    entities = _entities(world.store)
    assert entities["A-1"] != entities["T-1"]


def test_a_split_is_not_reverted_under_a_later_rejection_that_stands_on_it(
    world: World,
) -> None:
    one = uuid.uuid4()
    with world.store.linking() as tx:
        tx.assign_entities({world.records[r]: one for r in ("A-1", "T-1", "T-2")})
    split = world.link("A-1", "T-1", action="unlink").json()
    assert split["decision"]["effect"] == "split"
    entities = _entities(world.store)
    apart = "A-1" if entities["T-2"] == entities["T-1"] else "T-1"
    standing = world.link("T-2", apart, action="unlink").json()
    assert standing["decision"]["effect"] == "none"
    refused = _revert(world, split["decision"]["id"])
    assert refused.status_code == 409
    assert standing["decision"]["id"] in refused.json()["detail"]


@pytest.mark.parametrize("reason", ["   ab   ", "\u200b\u200c\u200d\u2060"])
def test_a_reason_of_spaces_or_invisible_characters_is_too_short(world: World, reason: str) -> None:
    merge = world.link("A-1", "T-1").json()
    answer = world.client.post(
        f"/decisions/{merge['decision']['id']}/revert",
        json={"reason": reason},
        headers=world.headers("reviewer"),
    )
    assert answer.status_code == 422


def test_a_merge_refused_by_a_rejection_names_the_decision_to_revert(world: World) -> None:
    rejected = world.link("A-1", "T-1", action="unlink").json()
    assert world.link("T-1", "T-2").status_code == 201
    refused = world.link("A-1", "T-2")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert rejected["decision"]["id"] in detail and "a rejeté" in detail


def test_a_split_refused_by_confirmations_names_the_latest_to_revert(world: World) -> None:
    assert world.link("A-1", "T-1").status_code == 201
    latest = world.link("T-1", "T-2").json()
    refused = world.link("A-1", "T-2", action="unlink")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert latest["decision"]["id"] in detail and "(en tout : 2)" in detail


def test_a_merge_of_a_person_of_unknown_age_waits_for_a_second_reviewer(
    world: World, tmp_path: Path
) -> None:
    """No record tells her age: she may be a child, and is treated as one, as a return
    decision treats her."""
    undated = (
        "record_id,source,case_id,case_type,full_name,sex,origin_village\n"
        "U-1,OIM,C8,identification,SANOGO Rokia,F,Bla\n"
        "U-2,ONG-A,C9,reintegration,SANOGO Rokiatou,F,Bla\n"
    )
    assert import_records(world.store, write_csv(tmp_path / "undated.csv", undated)).ok
    world.records.update({r.record_id: r.id for r in world.store.list_records({}).items})
    first = _link_as(world, "reviewer", "U-1", "U-2")
    assert first["suggestion"]["status"] == "awaiting_second"
    assert _link_as(world, "reviewer2", "U-1", "U-2")["suggestion"]["status"] == "confirmed"
