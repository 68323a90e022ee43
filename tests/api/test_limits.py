"""Bad input and limits: 4xx with a JSON detail, never a 5xx."""

from __future__ import annotations

import uuid

import pytest

from tests.api.conftest import World


def _decision_url(world: World) -> tuple[str, dict[str, str]]:
    url = f"/suggestions/{world.suggestions['adult']}/decision"
    return url, world.headers("reviewer", **{"If-Match": world.etag("adult")})


def test_an_unknown_field_is_refused(world: World) -> None:
    url, headers = _decision_url(world)
    response = world.client.post(url, json={"decision": "match", "priority": 1}, headers=headers)
    assert response.status_code == 422


def test_a_client_cannot_set_a_server_owned_field(world: World) -> None:
    url, headers = _decision_url(world)
    for field, value in (("status", "confirmed"), ("reviewer", "x"), ("version", 9)):
        response = world.client.post(url, json={"decision": "match", field: value}, headers=headers)
        assert response.status_code == 422, field


def test_malformed_json_is_422(world: World) -> None:
    url, headers = _decision_url(world)
    response = world.client.post(
        url,
        content=b'{"decision": "match"',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "detail" in response.json()


def test_an_oversized_body_is_refused_before_it_is_read(world: World) -> None:
    url, headers = _decision_url(world)
    response = world.client.post(
        url, json={"decision": "match", "note": "x" * 100_000}, headers=headers
    )
    assert response.status_code == 413


def test_an_oversized_form_from_a_browser_is_refused_with_a_page(world: World) -> None:
    response = world.client.post(
        "/signin", data={"token": "x" * 100_000}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "Retour à l'accueil" in response.text


def test_a_page_bigger_than_the_cap_is_refused(world: World) -> None:
    response = world.client.get("/suggestions?limit=201", headers=world.headers("reviewer"))
    assert response.status_code == 422


def test_unknown_ids_are_404(world: World) -> None:
    missing = uuid.uuid4()
    for url in (f"/suggestions/{missing}", f"/entities/{missing}", f"/decisions/{missing}"):
        assert world.client.get(url, headers=world.headers("admin")).status_code == 404, url
    response = world.client.post(
        f"/decisions/{missing}/revert", json={"reason": "essai"}, headers=world.headers("reviewer")
    )
    assert response.status_code == 404


def test_a_forged_cursor_is_422(world: World) -> None:
    response = world.client.get(
        "/suggestions?cursor=not-a-cursor", headers=world.headers("reviewer")
    )
    assert response.status_code == 422


def test_a_revert_needs_a_reason(world: World) -> None:
    response = world.client.post(
        f"/decisions/{uuid.uuid4()}/revert", json={}, headers=world.headers("reviewer")
    )
    assert response.status_code == 422


def test_a_nul_character_in_a_query_is_refused_on_both_databases(world: World) -> None:
    response = world.client.get(
        "/suggestions/next?organisation=%00", headers=world.headers("reviewer")
    )
    assert response.status_code == 422 and "NUL" in response.json()["detail"]


def test_a_nul_character_in_a_body_is_refused_and_nothing_is_decided(world: World) -> None:
    url, headers = _decision_url(world)
    response = world.client.post(url, json={"decision": "match", "note": "a\x00b"}, headers=headers)
    assert response.status_code == 422 and "NUL" in response.json()["detail"]
    again = world.client.post(url, json={"decision": "match", "note": "ok"}, headers=headers)
    assert again.status_code == 200


def test_a_nul_character_in_a_page_form_is_refused(world: World) -> None:
    response = world.client.post("/signin", data={"token": "a\x00b", "csrf": "x"})
    assert response.status_code == 422


def test_a_nul_character_in_a_browsers_form_is_refused_with_a_page_in_its_language(
    world: World,
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    french = world.client.post("/signin", data={"token": "a\x00b"}, headers=browser)
    assert french.status_code == 422
    assert french.headers["content-type"].startswith("text/html")
    assert "Refusé" in french.text and "Retour à l'accueil" in french.text

    world.client.cookies.set("nrm_lang", "en")
    english = world.client.post("/signin", data={"token": "a\x00b"}, headers=browser)
    assert "a NUL character can be neither stored nor searched" in english.text
    assert '<a href="/">Back to the home page</a>' in english.text


@pytest.mark.parametrize(
    "content_type",
    [
        [("Content-Type", "application/merge-patch+json")],
        [("Content-Type", "application/json"), ("Content-Type", "text/plain")],
    ],
)
def test_a_nul_character_is_refused_whatever_the_body_says_it_is(
    world: World, content_type: list[tuple[str, str]]
) -> None:
    url, headers = _decision_url(world)
    raw = [(k, v) for k, v in headers.items() if k.lower() != "content-type"] + content_type
    body = b'{"decision": "match", "note": "a\\u0000b"}'
    response = world.client.post(url, content=body, headers=raw)
    assert response.status_code == 422


def test_the_text_backslash_u0000_is_not_a_nul(world: World) -> None:
    url, headers = _decision_url(world)
    response = world.client.post(
        url, json={"decision": "match", "note": "\\u0000"}, headers=headers
    )
    assert response.status_code == 200
