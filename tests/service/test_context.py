"""Who acts (`service/context.py`): every use case checks the role itself, whichever face
calls it, and its audit row says who acted and from where."""

from __future__ import annotations

import getpass
import uuid
from datetime import UTC, datetime

import pytest

from models.review import DecisionKind
from models.store import Store
from models.users import User, UserRole
from service import Actor, Service
from service.errors import Forbidden
from service.search import SEARCH


def _user(role: UserRole) -> User:
    return User(id=uuid.uuid4(), name="awa", role=role, created_at=datetime.now(UTC))


def test_a_role_outside_the_use_cases_roles_is_refused() -> None:
    with pytest.raises(Forbidden):
        Actor(_user(UserRole.REVIEWER)).require(SEARCH)


def test_a_role_among_the_use_cases_roles_may_act() -> None:
    Actor(_user(UserRole.TRACING_OFFICER)).require(SEARCH)


def test_an_anonymous_request_may_not_act() -> None:
    with pytest.raises(Forbidden):
        Actor(None, request_id="r-12345678").require(SEARCH)


def test_the_operator_at_the_command_line_may_act_and_is_named() -> None:
    operator = Actor.operator("nrm search")
    operator.require(SEARCH)
    entry = operator.entry("search", "entity", [], query={"full_name": "Awa"})
    assert entry.detail == {
        "via": "nrm search",
        "os_user": getpass.getuser(),
        "query": {"full_name": "Awa"},
    }


def test_a_users_audit_row_carries_the_requests_purpose_and_id() -> None:
    actor = Actor(_user(UserRole.ADMIN), request_id="r-12345678", purpose="suivi du dossier")
    entry = actor.entry("read_record", "record", [uuid.UUID(int=1)])
    assert (entry.purpose, entry.request_id, entry.object_ids, entry.detail) == (
        "suivi du dossier",
        "r-12345678",
        (str(uuid.UUID(int=1)),),
        {},
    )


def test_an_admin_cannot_decide_even_without_the_http_matrix(store: Store) -> None:
    admin, _ = store.add_user("admin-1", UserRole.ADMIN)
    with pytest.raises(Forbidden):
        Service(store).decide(Actor(admin), uuid.uuid4(), DecisionKind.MATCH, None, '"x.1"')


def test_a_search_from_the_command_line_is_audited_with_the_os_user(store: Store) -> None:
    Service(store).search(Actor.operator("nrm search"), {"full_name": "Awa"}, limited=False)
    [row], _ = store.audit_rows({"action": "search"})
    assert (row["user_id"], row["detail"]["via"], row["detail"]["os_user"]) == (
        None,
        "nrm search",
        getpass.getuser(),
    )
