"""Do no harm: a victim's current location and phone never reach a role without need to
know, from any route. Every GET route is requested as every role and its JSON keys walked."""

from __future__ import annotations

from typing import Any

import pytest

from api.access import MATRIX
from models.records import PROTECTED_FIELDS
from models.users import UserRole
from service.relinking import relink_all
from tests.api.conftest import World

WHO = {
    UserRole.ADMIN: "admin",
    UserRole.REVIEWER: "reviewer",
    UserRole.TRACING_OFFICER: "tracing_officer",
    UserRole.CASEWORKER: "caseworker@ONG-A",
}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _urls(world: World) -> dict[str, str]:
    """A real object for every GET route: a merged person, a decision, a suggestion."""
    decided = world.decide("adult", "match").json()
    record = world.store.get_record(world.records["A-1"])
    assert record is not None and record.entity_id is not None
    return {
        "/me": "/me",
        "/records": "/records",
        "/records/{record_id}": f"/records/{world.records['A-1']}",
        "/records/{record_id}/versions": f"/records/{world.records['A-1']}/versions",
        "/search": "/search?name=Aminata%20Traore",
        "/suggestions": "/suggestions?status=confirmed",
        "/suggestions/{suggestion_id}": f"/suggestions/{world.suggestions['adult']}",
        "/suggestions/next": "/suggestions/next",
        "/suggestions/calibration": "/suggestions/calibration",
        "/decisions/{decision_id}": f"/decisions/{decided['decision']['id']}",
        "/decisions/outdated": "/decisions/outdated",
        "/entities/{entity_id}": f"/entities/{record.entity_id}",
        "/entities/{entity_id}/relatives": f"/entities/{record.entity_id}/relatives",
        "/entities/{entity_id}/assessment": f"/entities/{record.entity_id}/assessment",
        "/flags": "/flags",
        "/returns/due": "/returns/due",
        "/tracing/requests": "/tracing/requests",
        "/tracing/requests/{case_id}/matches": "/tracing/requests/C5/matches",
        "/reports/summary": "/reports/summary",
        "/audit": "/audit",
    }


def test_every_get_route_is_checked(world: World) -> None:
    gets = {path for method, path in MATRIX if method == "GET"}
    assert gets == set(_urls(world))


@pytest.mark.parametrize("role", [UserRole.REVIEWER, UserRole.TRACING_OFFICER])
def test_roles_without_need_to_know_never_get_location_or_phone(
    world: World, role: UserRole
) -> None:
    for path, url in _urls(world).items():
        if role not in MATRIX[("GET", path)]:
            continue
        response = world.client.get(url, headers=world.headers(WHO[role]))
        assert response.status_code == 200, (url, response.text)
        assert not _keys(response.json()) & PROTECTED_FIELDS, url


def test_an_admin_sees_them_on_the_record_and_the_person(world: World) -> None:
    urls = _urls(world)
    for path in ("/records/{record_id}", "/entities/{entity_id}"):
        body = world.client.get(urls[path], headers=world.headers("admin")).json()
        assert _keys(body) >= PROTECTED_FIELDS, path


def test_a_caseworker_sees_them_only_on_records_of_their_organisation(world: World) -> None:
    person = world.client.get(
        _urls(world)["/entities/{entity_id}"], headers=world.headers(WHO[UserRole.CASEWORKER])
    ).json()
    by_source = {r["source"]: r for r in person["records"]}
    assert by_source["ONG-A"]["current_location"] == "Foyer de Gao"
    assert "current_location" not in by_source["OIM"]
    assert person["consolidated"]["current_location"]["value"] == "Foyer de Gao"


def test_search_results_are_minimal(world: World) -> None:
    relink_all(world.store)
    hits = world.client.get(
        "/search?name=Aminata%20Traore", headers=world.headers("tracing_officer")
    ).json()
    assert hits, "the search should find Aminata Traoré"
    assert all(
        set(h)
        == {"entity_id", "name", "sex", "age_band", "region", "score", "named_suspect", "reasons"}
        for h in hits
    )
    assert all("Traore" not in h["name"].replace("T.", "") for h in hits)


def test_a_search_posted_answers_as_one_in_the_address(world: World) -> None:
    relink_all(world.store)
    who = world.headers("tracing_officer")
    asked = world.client.get("/search?name=Aminata%20Traore&top=5", headers=who).json()
    posted = world.client.post("/search", json={"name": "Aminata Traore", "top": 5}, headers=who)
    assert posted.status_code == 200 and posted.json() == asked
    rows, _ = world.store.audit_rows({"action": "search"})
    assert len(rows) == 2


@pytest.mark.parametrize("body", [{"name": "Ma*"}, {"name": "Aminata", "village": "Ma%"}])
def test_a_search_posted_as_a_pattern_is_refused(world: World, body: dict) -> None:
    response = world.client.post("/search", json=body, headers=world.headers("tracing_officer"))
    assert response.status_code == 422


def test_a_wildcard_search_is_refused(world: World) -> None:
    response = world.client.get("/search?name=**", headers=world.headers("tracing_officer"))
    assert response.status_code == 422


@pytest.mark.parametrize("field", ["village", "father", "mother"])
def test_a_wildcard_in_any_field_of_a_search_is_refused_as_the_schema_says(
    world: World, field: str
) -> None:
    params = {"name": "Aminata Traore", field: "Ma%"}
    response = world.client.get("/search", params=params, headers=world.headers("tracing_officer"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]
    declared = world.client.get("/openapi.json").json()["paths"]["/search"]["get"]["parameters"]
    schema = next(p["schema"] for p in declared if p["name"] == field)
    assert any(s.get("pattern") == r"^[^*%?\x00]*$" for s in schema.get("anyOf", [schema]))


@pytest.mark.parametrize("name", ["Ma*", "Ma%", "Aminata?"])
def test_a_name_written_as_a_pattern_is_refused_saying_why(world: World, name: str) -> None:
    response = world.client.get(
        "/search", params={"name": name}, headers=world.headers("tracing_officer")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "name"]
