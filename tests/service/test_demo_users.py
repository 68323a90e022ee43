"""`make run` gives a newcomer a token for every role, and keeps them across runs."""

from __future__ import annotations

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
