"""Searches and lists are limited per user, across every server process: bulk reading is
how a victim gets located."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text

from api.app import create_app
from models.database import make_engine
from models.store import Store
from service import Service
from service.ratelimit import RateLimiter, SharedLimit
from tests.api.conftest import World


def _fixed(kind: str, per_window: int) -> SharedLimit:
    """A limit whose clock stays mid-window: the test never straddles a window's edge."""
    return SharedLimit(kind, per_window=per_window, window=60, clock=lambda: 90.0)


def _second_store(store: Store) -> Store:
    """Another engine (another pool, as another server process has) on the same database."""
    if store.dialect == "sqlite":
        return Store(make_engine(str(store.engine.url.database)))
    with store.engine.connect() as c:
        path = c.execute(text("SHOW search_path")).scalar()
    engine = make_engine(store.engine.url.render_as_string(hide_password=False))

    @event.listens_for(engine, "connect")
    def _search_path(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET search_path TO {path}")
        dbapi_connection.commit()

    return Store(engine)


@pytest.fixture
def other_process(store: Store) -> Iterator[Store]:
    second = _second_store(store)
    yield second
    second.close()


def test_a_user_over_the_limit_waits_for_the_next_window(store: Store) -> None:
    now = [120.0]
    limit = SharedLimit("search", per_window=2, window=60, clock=lambda: now[0])
    user = uuid.uuid4()
    assert limit.retry_after(store, user) == 0 and limit.retry_after(store, user) == 0
    now[0] = 150.0
    assert limit.retry_after(store, user) == 30
    now[0] = 180.0
    assert limit.retry_after(store, user) == 0


def test_users_and_kinds_have_their_own_counts(store: Store) -> None:
    searches, lists = _fixed("search", 1), _fixed("list", 1)
    user = uuid.uuid4()
    assert searches.retry_after(store, user) == 0
    assert searches.retry_after(store, uuid.uuid4()) == 0
    assert lists.retry_after(store, user) == 0
    assert searches.retry_after(store, user) > 0


def test_two_server_processes_share_one_limit(store: Store, other_process: Store) -> None:
    limit = _fixed("list", 3)
    user = uuid.uuid4()
    waits = [limit.retry_after(s, user) for s in (store, other_process, store, other_process)]
    assert waits[:3] == [0, 0, 0] and waits[3] > 0


def test_a_new_window_drops_the_old_counts(store: Store) -> None:
    now = [0.0]
    limit = SharedLimit("search", per_window=5, window=60, clock=lambda: now[0])
    user = uuid.uuid4()
    for second in (0.0, 61.0, 122.0):
        now[0] = second
        limit.retry_after(store, user)
    assert store.counts()["rate_counters"] == 1


def test_the_in_memory_limiter_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(per_window=2, window=60, clock=lambda: now[0])
    user = uuid.uuid4()
    assert limiter.retry_after(user) == 0 and limiter.retry_after(user) == 0
    assert limiter.retry_after(user) == 60
    now[0] = 61
    assert limiter.retry_after(user) == 0


def test_too_many_searches_are_refused_with_429_and_audited(world: World) -> None:
    world.client.app.state.service.search_limit = _fixed("search", 2)
    headers = world.headers("tracing_officer")
    statuses = [world.client.get("/search?name=Awa", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = world.client.get("/search?name=Awa", headers=headers)
    assert int(refused.headers["Retry-After"]) > 0
    rows, _ = world.store.audit_rows({"action": "search_refused"})
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("caseworker@OIM", "/records?role=victim"),
        ("reviewer", "/suggestions"),
        ("reviewer", "/suggestions/next"),
        ("tracing_officer", "/flags"),
        ("tracing_officer", "/tracing/requests"),
        ("admin", "/audit"),
    ],
)
def test_every_list_is_limited_like_search(world: World, who: str, url: str) -> None:
    world.client.app.state.service.list_limit = _fixed("list", 2)
    headers = world.headers(who)
    statuses = [world.client.get(url, headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_list_limit_holds_across_two_server_processes(
    world: World, other_process: Store
) -> None:
    headers = world.headers("caseworker@OIM")
    first, second = Service(world.store), Service(other_process)
    for service in (first, second):
        service.list_limit = _fixed("list", 3)
    workers = [TestClient(create_app(first)), TestClient(create_app(second))]
    statuses = [workers[k % 2].get("/records", headers=headers).status_code for k in range(4)]
    assert statuses == [200, 200, 200, 429]
    rows, _ = world.store.audit_rows({"action": "list_records_refused"})
    assert len(rows) == 1


def test_relatives_are_a_list_limited_like_the_others(world: World) -> None:
    """Each answer names relatives in full: followed person to person, unlimited, it
    would map the family graph."""
    world.client.app.state.service.list_limit = _fixed("list", 2)
    headers = world.headers("tracing_officer")
    url = f"/entities/{uuid.uuid4()}/relatives"  # asking for unknown ones counts too
    statuses = [world.client.get(url, headers=headers).status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


def test_a_tracing_request_s_matches_count_as_a_search(world: World) -> None:
    world.client.app.state.service.search_limit = _fixed("search", 1)
    headers = world.headers("tracing_officer")
    assert world.client.get("/search?name=Awa", headers=headers).status_code == 200
    response = world.client.get("/tracing/requests/NONE/matches", headers=headers)
    assert response.status_code == 429
