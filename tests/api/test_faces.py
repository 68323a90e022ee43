"""The faces (command line, HTTP routes, pages) call the service layer only: no module
under `api/` imports the store or reaches a service's store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[2] / "api"
FACES = sorted(API.rglob("*.py"))


def _store_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("models.store")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("models.store"):
                found.append(node.module)
            elif node.module == "models":
                found += [f"models.{a.name}" for a in node.names if a.name == "store"]
        elif isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"{ast.unparse(node.value)}.store")
    return found


def test_the_faces_exist() -> None:
    assert API / "cli.py" in FACES and API / "app.py" in FACES


@pytest.mark.parametrize("path", FACES, ids=[str(p.relative_to(API)) for p in FACES])
def test_a_face_does_not_touch_the_store(path: Path) -> None:
    assert _store_uses(ast.parse(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    "source",
    [
        "from models.store import Store",
        "import models.store.review",
        "from models import store",
        "def f(service):\n    return service.store.get_record(1)",
    ],
)
def test_the_check_catches_each_way_to_reach_the_store(source: str) -> None:
    assert _store_uses(ast.parse(source)) != []
