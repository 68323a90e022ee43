"""Schemathesis (major version pinned) over the whole OpenAPI document, authenticated:
no server error, and every response conforms to the schema.

Each operation's Hypothesis strategy is driven from a plain test (schemathesis's
`from_fixture` does not run under pytest 9), so the app is the one of the `world`
fixture, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.python import asgi

from service.ratelimit import SharedLimit
from service.users import FailedLogins
from tests.api.conftest import World

ROLES = ("admin", "reviewer", "tracing_officer")
"""Admins read everything; only reviewers decide; tracing officers search."""
EXAMPLES = 15
IN_WORDS = ("/records/{record_id}/versions/erasure", "/decisions/{decision_id}/revert")
"""Operations whose reason is counted as a reader sees it (`service.context.visible`:
invisible characters and runs of spaces do not count), which JSON Schema's `minLength`
cannot state: a schema-valid reason of ten control characters is refused (422) there."""


@pytest.fixture
def one_event_loop() -> Iterator[None]:
    """Schemathesis (4.3x) calls an ASGI app through one event-loop thread it keeps for the
    whole process, stopped only at exit; the tests that fork (`matching.parallel`) need a
    process without other threads, so the loop is stopped when this test ends."""
    yield
    shutdown = getattr(asgi, "_shutdown", None)  # absent where each call ran its own loop
    if shutdown is not None:
        shutdown()
    assert not [t.name for t in threading.enumerate() if "portal" in t.name]


@pytest.mark.usefixtures("one_event_loop")
def test_the_api_honours_its_schema(world: World) -> None:
    # Schemathesis sends invalid credentials to every operation and expects 401 or 403;
    # past 30 a minute one address gets 429 (tested in test_audit), so the limit is lifted.
    service = world.client.app.state.service
    service.failed_logins = FailedLogins(per_address=1_000_000)
    # each list route is called ~15 times per role: past 60 lists a minute a user gets 429
    # (tested in test_ratelimit), so that limit is lifted as well
    service.list_limit = SharedLimit("list", 1_000_000)
    # searches and registered tracing requests share the search limit (30 a minute)
    service.search_limit = SharedLimit("search", 1_000_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    headers = {who: world.headers(who) for who in ROLES}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def honours(case: schemathesis.Case) -> None:
            excluded = [positive_data_acceptance] if case.operation.path in IN_WORDS else []
            for who in ROLES:
                case.call_and_validate(headers=headers[who], excluded_checks=excluded)

        honours()
