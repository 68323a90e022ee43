"""The audit trail: every read, search, decision and login is attributable; nobody edits it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.ratelimit import CountedRows
from tests.api.conftest import World


def _audit(world: World, **query: str) -> list[dict]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    response = world.client.get(f"/audit?{params}", headers=world.headers("admin"))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_reading_a_record_records_who_why_and_which_request(world: World) -> None:
    record = world.records["A-1"]
    world.client.get(
        f"/records/{record}",
        headers=world.headers(
            "caseworker@OIM",
            **{"X-Purpose": "verification d'identite", "X-Request-ID": "req-0001-abcd"},
        ),
    )
    [row] = _audit(world, action="read_record")
    assert row["user_name"] == "caseworker@OIM"
    assert (row["role"], row["organisation"]) == ("caseworker", "OIM")
    assert row["object_ids"] == [str(record)]
    assert row["purpose"] == "verification d'identite"
    assert row["request_id"] == "req-0001-abcd"
    assert row["at"].endswith("+00:00")


def test_a_decision_read_back_says_its_time_in_utc(world: World) -> None:
    decided = world.decide("adult", "unsure").json()
    read = world.client.get(
        f"/decisions/{decided['decision']['id']}", headers=world.headers("reviewer")
    ).json()
    assert read["created_at"].endswith("+00:00")


def test_a_decision_and_its_revert_keep_the_purpose_stated(world: World) -> None:
    why = {"X-Purpose": "doublon signale par ENDA Mali"}
    decided = world.client.post(
        f"/suggestions/{world.suggestions['adult']}/decision",
        json={"decision": "match", "note": "vu les deux dossiers"},
        headers=world.headers("reviewer", **{"If-Match": world.etag("adult"), **why}),
    )
    assert decided.status_code == 200, decided.text
    event = decided.json()["decision"]["id"]
    reverted = world.client.post(
        f"/decisions/{event}/revert",
        json={"reason": "mauvaise personne"},
        headers=world.headers("reviewer", **why),
    )
    assert reverted.status_code == 201, reverted.text
    rows = _audit(world, action="decision") + _audit(world, action="revert")
    assert [r["purpose"] for r in rows] == [why["X-Purpose"]] * 2


def test_a_search_is_audited_with_its_query(world: World) -> None:
    world.client.get("/search?name=Awa", headers=world.headers("tracing_officer"))
    [row] = _audit(world, action="search")
    assert row["detail"]["query"] == {"full_name": "Awa"}


def test_a_decision_is_audited(world: World) -> None:
    world.decide("adult", "non_match")
    [row] = _audit(world, action="decision")
    assert row["detail"]["decision"] == "non_match"
    assert str(world.suggestions["adult"]) in row["object_ids"]


def test_a_login_and_a_bad_token_are_audited(world: World) -> None:
    world.client.get("/me", headers=world.headers("reviewer"))
    world.client.get("/me", headers={"Authorization": "Bearer nrm_not-a-token"})
    assert [r["user_name"] for r in _audit(world, action="login")] == ["reviewer"]
    assert len(_audit(world, action="authentication_failed")) == 1


def test_the_audit_can_be_filtered_by_object(world: World) -> None:
    world.client.get(f"/records/{world.records['K-1']}", headers=world.headers("reviewer"))
    world.client.get(f"/records/{world.records['K-2']}", headers=world.headers("reviewer"))
    rows = _audit(world, object_id=str(world.records["K-2"]))
    assert [r["object_ids"] for r in rows] == [[str(world.records["K-2"])]]


def test_a_list_of_the_queue_is_found_by_the_records_it_named(world: World) -> None:
    assert world.client.get("/suggestions", headers=world.headers("reviewer")).status_code == 200
    rows = _audit(world, object_id=str(world.records["K-2"]))
    assert [r["action"] for r in rows] == ["list_suggestions"]
    assert str(world.records["K-2"]) in rows[0]["detail"]["records"]


def test_the_audit_is_for_admins_only(world: World) -> None:
    assert world.client.get("/audit", headers=world.headers("reviewer")).status_code == 403


def test_a_refused_request_is_audited_with_who_tried_what(world: World) -> None:
    record = world.records["A-1"]
    path = f"/records/{record}/versions/erasure"
    refused = world.client.post(
        path, json={"reason": "numéro donné par erreur"}, headers=world.headers("reviewer")
    )
    assert refused.status_code == 403
    [row] = _audit(world, action="access_refused")
    assert (row["user_name"], row["role"]) == ("reviewer", "reviewer")
    assert (row["detail"]["method"], row["detail"]["path"]) == ("POST", path)
    assert row["detail"]["refusals"] == 1 and row["detail"]["reason"]


@pytest.mark.parametrize("spelt", [str, lambda r: r.upper(), lambda r: r.replace("-", "")])
def test_a_refusal_is_found_by_the_record_it_aimed_at(world: World, spelt) -> None:  # type: ignore[no-untyped-def]
    record = str(world.records["A-1"])
    refused = world.client.post(
        f"/records/{spelt(record)}/versions/erasure",
        json={"reason": "numéro donné par erreur"},
        headers=world.headers("reviewer"),
    )
    assert refused.status_code == 403
    assert [r["action"] for r in _audit(world, object_id=record)] == ["access_refused"]


def test_a_loop_of_refused_requests_writes_rows_that_count_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = world.client.app.state.service
    monkeypatch.setattr(service, "refusal_log", CountedRows(10))
    for _ in range(25):
        world.client.get("/audit", headers=world.headers("tracing_officer"))
    rows = _audit(world, action="access_refused")
    assert len(rows) == 10
    assert sum(r["detail"]["refusals"] for r in rows) == 10
    waiting = sum(service.refusal_log.pending.values())
    assert waiting == 15  # counted in the next row the minute allows


@pytest.mark.parametrize("table", ["audit", "decisions"])
@pytest.mark.parametrize("statement", ["UPDATE {t} SET note = NULL", "DELETE FROM {t}"])
def test_the_database_refuses_to_change_append_only_tables(
    world: World, table: str, statement: str
) -> None:
    world.client.get("/me", headers=world.headers("reviewer"))
    world.decide("adult", "unsure")
    sql = statement.format(t=table).replace("note", "purpose" if table == "audit" else "note")
    with pytest.raises(DBAPIError, match="append-only"), world.store.engine.begin() as c:
        c.execute(text(sql))


def test_a_flood_of_bad_tokens_writes_few_audit_rows_that_count_them(world: World) -> None:
    long_path = "/records/" + "x" * 5_000
    for _ in range(40):
        world.client.get(long_path, headers={"Authorization": "Bearer nrm_not-a-token"})
    rows = _audit(world, action="authentication_failed")
    assert 1 <= len(rows) <= 10
    assert all(len(r["detail"]["path"]) <= 200 for r in rows)
    assert sum(r["detail"]["failures"] for r in rows) <= 40


def test_an_address_past_the_failed_authentications_a_minute_gets_429(world: World) -> None:
    bad = {"Authorization": "Bearer nrm_not-a-token"}
    answers = [world.client.get("/me", headers=bad).status_code for _ in range(31)]
    assert answers[:30] == [401] * 30
    refused = world.client.get("/me", headers=bad)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert world.client.get("/me", headers=world.headers("reviewer")).status_code == 200
