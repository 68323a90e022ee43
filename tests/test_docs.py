"""The docs stay true: every command and every model comparison is documented."""

import re
import uuid
from pathlib import Path

import click
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import main
from matching.comparisons import COMPARISONS

ROOT = Path(__file__).resolve().parent.parent


def _commands(group: click.Group, prefix: str = "nrm") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
        else:
            names.append(f"{prefix} {name}")
    return names


@pytest.mark.parametrize("command", _commands(main))
def test_every_command_is_in_the_readme_and_the_interfaces(command: str) -> None:
    assert command in (ROOT / "README.md").read_text()
    assert command in (ROOT / "docs" / "interfaces.md").read_text()


@pytest.mark.parametrize("comparison", [c.name for c in COMPARISONS])
def test_every_comparison_has_words_for_caseworkers(comparison: str) -> None:
    from matching.explain import FIELD_LABELS

    assert comparison in FIELD_LABELS


DOCS = ("README.md", "docs/interfaces.md")
_ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s,;)]*)")
_COMMAND = re.compile(r"`nrm((?: [a-z][a-z-]*)+)")


def _shape(path: str) -> str:
    """`/records/{id}` and `/records/{record_id}` are one route."""
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/") or "/")


def _documented_routes(doc: str) -> set[tuple[str, str]]:
    return {(m, _shape(p)) for m, p in _ROUTE.findall((ROOT / doc).read_text())}


def _app(tmp_path: Path) -> FastAPI:
    from api.app import create_app
    from models.store import Store

    return create_app(Store.open(str(tmp_path / "nrm.db")))


def _answers(client: TestClient, method: str, shape: str) -> bool:
    """Whether the app has this route: asked without a token, a route answers 401 (or
    200 for /health; a page's parameter it cannot take, the pages' 404 page); only a path
    no route matches answers the JSON 404 `Not Found`, or 405."""
    response = client.request(method, shape.replace("{}", str(uuid.uuid4())))
    json_answer = response.headers.get("content-type", "").startswith("application/json")
    missing = response.status_code == 405 or (
        response.status_code == 404 and json_answer and response.json() == {"detail": "Not Found"}
    )
    return not missing


@pytest.mark.parametrize("doc", DOCS)
def test_every_documented_route_exists(doc: str, tmp_path: Path) -> None:
    client = TestClient(_app(tmp_path))
    routes = _documented_routes(doc)
    assert routes, doc
    assert {r for r in routes if not _answers(client, *r)} == set()


@pytest.mark.parametrize("doc", DOCS)
def test_every_route_of_the_openapi_document_is_documented(doc: str, tmp_path: Path) -> None:
    paths = _app(tmp_path).openapi()["paths"]
    in_schema = {(m.upper(), _shape(p)) for p, ops in paths.items() for m in ops}
    assert in_schema - _documented_routes(doc) == set()


def _resolves(words: list[str]) -> bool:
    command: click.Command = main
    for word in words:
        if not isinstance(command, click.Group):
            return True
        if word not in command.commands:
            return False
        command = command.commands[word]
    return not isinstance(command, click.Group)


@pytest.mark.parametrize("doc", DOCS)
def test_every_documented_command_exists(doc: str) -> None:
    documented = {m.strip() for m in _COMMAND.findall((ROOT / doc).read_text())}
    assert documented, doc
    assert {c for c in documented if not _resolves(c.split())} == set()
