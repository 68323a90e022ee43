"""Every error answer is in French unless the request asks for English."""

from __future__ import annotations

import pytest

from api.bodylimit import MAX_BODY
from tests.api.conftest import World

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def test_an_unknown_suggestion_is_404_in_french_then_english(world: World) -> None:
    path = "/suggestions/00000000-0000-4000-8000-000000000000"
    french = world.client.get(path, headers=world.headers("reviewer"))
    assert (french.status_code, french.json()) == (404, {"detail": "suggestion introuvable"})
    english = world.client.get(path, headers=world.headers("reviewer", **EN))
    assert english.json() == {"detail": "no such suggestion"}


def test_an_unknown_route_and_a_wrong_method_are_in_french(world: World) -> None:
    assert world.client.get("/nowhere").json() == {"detail": "Introuvable"}
    assert world.client.get("/nowhere", headers=EN).json() == {"detail": "Not Found"}
    refused = world.client.delete("/health")
    assert refused.status_code == 405
    assert refused.json() == {"detail": "Méthode non autorisée"}


def test_a_decision_without_if_match_is_428_in_french_then_english(world: World) -> None:
    path = f"/suggestions/{world.suggestions['adult']}/decision"
    body = {"decision": "match"}
    french = world.client.post(path, json=body, headers=world.headers("reviewer"))
    assert french.status_code == 428
    assert french.json()["detail"] == (
        "envoyez l'ETag de la suggestion dans If-Match (lisez-le avec GET /suggestions/{id})"
    )
    english = world.client.post(path, json=body, headers=world.headers("reviewer", **EN))
    assert english.json()["detail"].startswith("send the suggestion's ETag in If-Match")


@pytest.mark.parametrize(
    ("body", "kind", "french", "english"),
    [
        (
            {"decision": "maybe"},
            "literal_error",
            "decision : valeur attendue 'match', 'non_match' ou 'unsure'",
            "decision: expected 'match', 'non_match' or 'unsure'",
        ),
        ({}, "missing", "decision : ce champ est obligatoire", "decision: this field is required"),
        (
            {"decision": "match", "note": "x" * 2001},
            "string_too_long",
            "note : au plus 2000 caractères",
            "note: at most 2000 characters",
        ),
        (
            {"decision": "match", "entity": "x"},
            "extra_forbidden",
            "entity : champ inconnu (ou que le serveur fixe lui-même)",
            "entity: unknown field (or one the server sets itself)",
        ),
        (
            {"decision": "match", "note": 5},
            "string_type",
            "note : texte attendu",
            "note: expected text",
        ),
    ],
)
def test_validation_errors_are_422_worded_per_type_with_the_field(
    world: World, body: dict, kind: str, french: str, english: str
) -> None:
    path = f"/suggestions/{world.suggestions['adult']}/decision"
    headers = world.headers("reviewer", **{"If-Match": '"x.1"'})
    answer = world.client.post(path, json=body, headers=headers)
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["type"] == kind and error["loc"][0] == "body"
    assert "input" in error
    assert error["msg"] == french
    again = world.client.post(path, json=body, headers={**headers, **EN})
    assert again.json()["detail"][0]["msg"] == english


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_body_holding_nan_or_infinity_is_refused_quoting_it(world: World, number: str) -> None:
    path = f"/suggestions/{world.suggestions['adult']}/decision"
    headers = world.headers("reviewer", **{"If-Match": '"x.1"', "Content-Type": "application/json"})
    body = '{"decision": "match", "note": ' + number + "}"
    answer = world.client.post(path, content=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["input"] == str(float(number))


def test_a_bad_query_parameter_names_the_parameter(world: World) -> None:
    answer = world.client.get("/suggestions?limit=0", headers=world.headers("reviewer"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "limit : doit valoir au moins 1"
    answer = world.client.get("/suggestions/not-a-uuid", headers=world.headers("reviewer"))
    assert answer.json()["detail"][0]["msg"] == "suggestion_id : identifiant (UUID) attendu"


def test_401_and_403_are_in_french(world: World) -> None:
    anonymous = world.client.get("/me")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "un jeton (Authorization: Bearer) est requis"}
    assert anonymous.headers["WWW-Authenticate"] == "Bearer"
    bad = world.client.get("/me", headers={"Authorization": "Bearer nope", **EN})
    assert bad.json() == {"detail": "invalid or revoked token"}
    refused = world.client.get("/audit", headers=world.headers("reviewer"))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "le rôle réviseur ne peut pas faire ceci"}


def test_a_conflict_names_the_status_in_words(world: World) -> None:
    stale = world.etag("adult")
    assert world.decide("adult", "non_match").status_code == 200
    again = world.decide("adult", "match")
    assert again.status_code == 409 and "déjà rejetée" in again.json()["detail"]
    late = world.decide("adult", "match", etag=stale)
    assert late.status_code == 412 and "statut rejetée" in late.json()["detail"]


def test_a_body_too_large_is_413_in_french(world: World) -> None:
    path = f"/suggestions/{world.suggestions['adult']}/decision"
    body = b"{" + b" " * (MAX_BODY + 1) + b"}"
    answer = world.client.post(path, content=body, headers=world.headers("reviewer"))
    assert answer.status_code == 413
    assert answer.json() == {
        "detail": f"corps de la requête trop volumineux (au plus {MAX_BODY} octets)"
    }


def test_429_and_503_are_worded_in_the_answer_language() -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api import errors
    from service.errors import StoreError, TooManyRequests

    app = FastAPI()
    errors.install(app)

    @app.get("/busy")
    def busy() -> None:
        raise TooManyRequests(
            "too many searches: at most {count} a minute", retry_after=12.2, count=30
        )

    @app.get("/down")
    def down() -> None:
        raise StoreError("connection refused")

    client = TestClient(app)
    busy_answer = client.get("/busy")
    assert busy_answer.status_code == 429 and busy_answer.headers["Retry-After"] == "13"
    assert busy_answer.json() == {"detail": "trop de recherches : au plus 30 par minute"}
    down_answer = client.get("/down", headers=EN)
    assert down_answer.status_code == 503
    assert down_answer.json() == {"detail": "the database cannot be used now: connection refused"}


def test_a_search_written_as_a_pattern_says_what_is_expected(world: World) -> None:
    answer = world.client.get("/search", params={"name": "R*"}, headers=world.headers("admin"))
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["msg"] == (
        "name : deux lettres au moins, pas de jokers (* % ?) : écrivez le nom tel que vous le "
        "connaissez"
    )


def test_a_malformed_body_is_said_without_the_parsers_english(world: World) -> None:
    answer = world.client.post(
        "/links",
        content=b"{record_a: 1}",
        headers={**world.headers("reviewer"), "Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert "Expecting" not in str(error)
    assert error["msg"] == "le corps de la requête n'est pas du JSON valide"
