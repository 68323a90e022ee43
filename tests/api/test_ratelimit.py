"""Searches are limited per user: bulk searching is how a victim gets located."""

from __future__ import annotations

import uuid

from service.ratelimit import RateLimiter
from tests.api.conftest import World


def test_a_user_over_the_limit_waits_for_the_window() -> None:
    now = [0.0]
    limiter = RateLimiter(per_window=2, window=60, clock=lambda: now[0])
    user = uuid.uuid4()
    assert limiter.retry_after(user) == 0 and limiter.retry_after(user) == 0
    assert limiter.retry_after(user) == 60
    now[0] = 61
    assert limiter.retry_after(user) == 0


def test_users_have_their_own_limits() -> None:
    limiter = RateLimiter(per_window=1)
    assert limiter.retry_after(uuid.uuid4()) == 0
    assert limiter.retry_after(uuid.uuid4()) == 0


def test_too_many_searches_are_refused_with_429_and_audited(world: World) -> None:
    world.client.app.state.service.search_limit = RateLimiter(per_window=2)
    headers = world.headers("tracing_officer")
    statuses = [world.client.get("/search?name=Awa", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = world.client.get("/search?name=Awa", headers=headers)
    assert int(refused.headers["Retry-After"]) > 0
    rows, _ = world.store.audit_rows({"action": "search_refused"})
    assert len(rows) == 2
