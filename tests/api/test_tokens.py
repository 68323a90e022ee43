"""Tokens that age: an expiry (default `NRM_TOKEN_DAYS`), rotation, a list without
tokens, the last use recorded at most once a minute; no user of "unspecified"."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import insert

from api.app import create_app
from api.cli import main
from models.database import make_engine
from models.migrate import upgrade
from models.store import Store
from models.tables import users
from models.users import UserRole, token_hash
from service import Actor, Service


def _me(store: Store, token: str) -> tuple[int, str]:
    response = TestClient(create_app(store)).get(
        "/me", headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json().get("detail", "")


def test_an_expired_token_answers_401_saying_so(store: Store) -> None:
    _, token = store.add_user("old", UserRole.REVIEWER, "OIM", expires_in_days=-1)
    status, detail = _me(store, token)
    assert status == 401 and "expiré" in detail
    rows, _ = store.audit_rows({"action": "authentication_failed"})
    assert rows and "expired_user" in rows[0]["detail"]


def test_a_new_token_lives_the_configured_days(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NRM_TOKEN_DAYS", "7")
    user, token = store.add_user("week", UserRole.REVIEWER, "OIM")
    assert user.expires_at is not None
    assert timedelta(days=6) < user.expires_at - datetime.now(UTC) <= timedelta(days=7)
    assert _me(store, token)[0] == 200


def test_rotation_gives_a_new_token_and_the_old_one_stops(store: Store) -> None:
    _, old = store.add_user("amina", UserRole.CASEWORKER, "OIM")
    _, new = Service(store).rotate_token(Actor.operator("nrm user rotate"), "amina", 30)
    assert _me(store, old)[0] == 401
    assert _me(store, new)[0] == 200


def test_the_last_use_is_written_at_most_once_a_minute(store: Store) -> None:
    user, token = store.add_user("busy", UserRole.REVIEWER, "OIM")
    assert user.last_used_at is None
    _me(store, token)
    first = store.user_by_token(token)
    assert first is not None and first.last_used_at is not None
    _me(store, token)
    second = store.user_by_token(token)
    assert second is not None and second.last_used_at == first.last_used_at


def test_existing_tokens_get_an_expiry_when_migrated(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "old.db"))
    upgrade(engine, "0003")
    with engine.begin() as c:
        c.execute(
            insert(users).values(
                id=uuid.uuid4(),
                name="before",
                role="reviewer",
                organisation="OIM",
                token_hash=token_hash("nrm_old"),
                created_at=datetime.now(UTC),
            )
        )
    upgrade(engine)
    user = Store(engine).user_by_token("nrm_old")
    assert user is not None and user.expires_at is not None
    assert user.expires_at - datetime.now(UTC) > timedelta(days=89)


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_user_list_shows_expiry_and_last_use_never_the_token(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    code, token, _ = _run(
        "user",
        "add",
        "awa",
        "--role",
        "caseworker",
        "--org",
        "OIM",
        "--expires-in",
        "10",
        "--db",
        db,
    )
    assert code == 0
    _me(Store.open(db), token.strip())
    code, out, _ = _run("user", "list", "--json", "--db", db)
    assert code == 0 and token.strip() not in out
    (listed,) = json.loads(out)
    assert listed["name"] == "awa" and listed["status"] == "active"
    assert listed["expires_at"] and listed["last_used_at"]
    assert "token" not in listed and "token_hash" not in listed


def test_user_rotate_prints_a_new_token(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    _, old, _ = _run("user", "add", "awa", "--role", "reviewer", "--org", "OIM", "--db", db)
    code, new, _ = _run("user", "rotate", "awa", "--db", db)
    assert code == 0 and new.strip().startswith("nrm_") and new != old
    assert Store.open(db).user_by_token(old.strip()) is None
    assert _run("user", "rotate", "nobody", "--db", db)[0] == 2


def test_no_user_belongs_to_the_unspecified_organisation(tmp_path: Path) -> None:
    code, _, err = _run(
        "user",
        "add",
        "x",
        "--role",
        "caseworker",
        "--org",
        "unspecified",
        "--db",
        str(tmp_path / "a.db"),
    )
    assert code == 2 and "n'est pas une organisation" in err
