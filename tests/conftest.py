"""Shared fixtures: a fresh store on SQLite and on PostgreSQL for every storage test.

PostgreSQL comes from `NRM_TEST_POSTGRES_URL` (default: the local `test`
database). Each xdist worker works in its own schema. When PostgreSQL cannot
be reached the PostgreSQL half of the tests is skipped on a laptop, but fails
in CI (`CI` or `NRM_REQUIRE_POSTGRES` set).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text

from fixtures.dataset import generate, write_dataset
from models.database import database_url, make_engine
from models.migrate import upgrade
from models.store import Store

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str:
    return os.environ.get("NRM_TEST_POSTGRES_URL") or DEFAULT_POSTGRES


def _postgres_required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("NRM_REQUIRE_POSTGRES"))


def _schema_name(worker: str) -> str:
    return f"nrm_test_{worker}".replace("-", "_")


def _fresh_postgres(worker: str) -> Store:
    url = database_url(_postgres_url())
    schema = _schema_name(worker)
    try:
        admin = create_engine(url)
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
    except Exception as exc:
        if _postgres_required():
            pytest.fail(f"PostgreSQL at {_postgres_url()} cannot be reached: {exc}")
        pytest.skip(f"PostgreSQL not reachable ({exc.__class__.__name__})")
    engine = make_engine(_postgres_url())

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {schema}")
        dbapi_connection.commit()

    upgrade(engine)
    return Store(engine)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path, worker_id: str) -> Iterator[Store]:
    """An empty, migrated store: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(str(tmp_path / "nrm.db"))
        upgrade(engine)
        s = Store(engine)
    else:
        s = _fresh_postgres(worker_id)
    yield s
    s.close()


@pytest.fixture
def postgres_store(worker_id: str) -> Iterator[Store]:
    s = _fresh_postgres(worker_id)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(str(tmp_path / "nrm.db"))
    yield s
    s.close()


def write_csv(path: Path, text_body: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text_body.encode(encoding))
    return path


def generated_in_two_files(
    out: Path, seed: int, first: int = 300, second: int | None = None
) -> tuple[Path, Path]:
    """A small generated population (120 households) as two record files to import one
    after the other: its first `first` rows, then the `second` next (None: the rest)."""
    write_dataset(generate(120, seed=seed), out)
    lines = (out / "records.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    end = None if second is None else 1 + first + second
    first_file, second_file = out / "first.csv", out / "second.csv"
    first_file.write_text("".join(lines[: 1 + first]), encoding="utf-8")
    second_file.write_text(lines[0] + "".join(lines[1 + first : end]), encoding="utf-8")
    return first_file, second_file
