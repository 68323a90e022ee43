"""The role × endpoint matrix: every route of the OpenAPI document, every role."""

from __future__ import annotations

import uuid

import pytest

from api.access import MATRIX, PUBLIC
from models.users import UserRole
from tests.api.conftest import World

BODIES = {
    "/suggestions/{suggestion_id}/decision": {"decision": "unsure"},
    "/links": {"record_a": str(uuid.uuid4()), "record_b": str(uuid.uuid4()), "action": "link"},
    "/decisions/{decision_id}/revert": {"reason": "contrôle des droits"},
}
QUERIES = {"/search": "?name=Awa"}


def _routes(world: World) -> list[tuple[str, str]]:
    document = world.client.get("/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    ]


def _call(world: World, method: str, path: str, who: str) -> int:
    url = path
    for name in ("record_id", "suggestion_id", "decision_id", "entity_id"):
        url = url.replace("{" + name + "}", str(uuid.uuid4()))
    response = world.client.request(
        method,
        url + QUERIES.get(path, ""),
        json=BODIES.get(path) if method == "POST" else None,
        headers=world.headers(who, **{"If-Match": '"x.1"'}),
    )
    return response.status_code


def test_every_route_is_in_the_matrix(world: World) -> None:
    missing = [r for r in _routes(world) if r not in MATRIX and r not in PUBLIC]
    assert missing == []


def test_the_matrix_names_no_route_that_does_not_exist(world: World) -> None:
    assert set(MATRIX) <= set(_routes(world))


@pytest.mark.parametrize("role", list(UserRole))
def test_each_role_may_call_exactly_its_routes(world: World, role: UserRole) -> None:
    wrong = []
    for method, path in _routes(world):
        if (method, path) in PUBLIC:
            continue
        status = _call(world, method, path, role.value)
        allowed = role in MATRIX[(method, path)]
        if (status == 403) == allowed or status in (401, 500):
            wrong.append((method, path, status, allowed))
    assert wrong == []


def test_every_route_but_health_needs_a_token(world: World) -> None:
    for method, path in _routes(world):
        if (method, path) in PUBLIC:
            continue
        url = path.replace("{", "").replace("}", "")
        assert world.client.request(method, url).status_code == 401, (method, path)


def test_only_reviewers_decide(world: World) -> None:
    decides = {r for r, roles in MATRIX.items() if r[0] == "POST" and UserRole.ADMIN in roles}
    assert ("POST", "/suggestions/{suggestion_id}/decision") not in decides
    assert MATRIX[("POST", "/suggestions/{suggestion_id}/decision")] == {UserRole.REVIEWER}


def test_no_route_changes_the_audit_trail(world: World) -> None:
    audit_routes = [r for r in _routes(world) if r[1].startswith("/audit")]
    assert audit_routes == [("GET", "/audit")]
