"""`make run` gives a newcomer a token for every role, and keeps them across runs."""

from __future__ import annotations

import json
from pathlib import Path

from models.store import Store
from models.users import UserRole
from service.demo_users import ensure_demo_users


def test_every_role_gets_a_working_token(sqlite_store: Store, tmp_path: Path) -> None:
    tokens = ensure_demo_users(sqlite_store, tmp_path / "t", tmp_path / "t.json")
    roles = {sqlite_store.user_by_token(t).role for t in tokens.values()}
    assert roles == set(UserRole)
    assert (tmp_path / "t").read_text().strip() == tokens["admin"]
    assert oct((tmp_path / "t.json").stat().st_mode & 0o777) == "0o600"


def test_a_second_run_keeps_the_tokens(sqlite_store: Store, tmp_path: Path) -> None:
    first = ensure_demo_users(sqlite_store, tmp_path / "t", tmp_path / "t.json")
    again = ensure_demo_users(sqlite_store, tmp_path / "t", tmp_path / "t.json")
    assert first == again


def test_an_expired_demo_token_is_replaced(sqlite_store: Store, tmp_path: Path) -> None:
    _, old = sqlite_store.add_user("demo-old-admin", UserRole.ADMIN, expires_in_days=-1)
    (tmp_path / "t.json").write_text(json.dumps({"admin": old}))
    tokens = ensure_demo_users(sqlite_store, tmp_path / "t", tmp_path / "t.json")
    user = sqlite_store.user_by_token(tokens["admin"])
    assert tokens["admin"] != old and user is not None and not user.expired()
