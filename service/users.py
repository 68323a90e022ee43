"""Users: who holds a token (authentication), the start of a session, creating and
revoking users at the command line."""

from __future__ import annotations

from threading import Lock
from typing import Any
from uuid import UUID

from models.users import User, UserRole
from service.context import ADMIN, EVERYONE, Actor, UseCases
from service.ratelimit import RateLimiter

LOGIN = EVERYONE
MANAGE_USERS = frozenset({ADMIN})
"""Users are created and revoked at the command line (`nrm user`), by the operator."""


FAILED_LOGIN_ROWS_PER_MINUTE = 10
PATH_KEPT = 200
_EVERYONE = UUID(int=0)


class FailedLogins:
    """Failed authentications, counted; an audit row is due at most so many times a
    minute (per server process), and then says how many failures it stands for."""

    def __init__(self, per_minute: int = FAILED_LOGIN_ROWS_PER_MINUTE) -> None:
        self.limit = RateLimiter(per_window=per_minute)
        self.pending = 0
        self._lock = Lock()

    def count(self) -> int:
        """Count one failure; the failures to write now (0: not yet)."""
        with self._lock:
            self.pending += 1
            if self.limit.retry_after(_EVERYONE) > 0:
                return 0
            failures, self.pending = self.pending, 0
            return failures


class Users(UseCases):
    failed_logins: FailedLogins

    def authenticate(self, token: str, request_id: str | None, path: str) -> User | None:
        """The user holding this token, or None (a failed authentication: audited, but at
        most `FAILED_LOGIN_ROWS_PER_MINUTE` rows a minute, each counting the failures since
        the last, with the path cut to `PATH_KEPT` characters: anyone may send bad tokens,
        and the append-only audit trail can never be cleaned of a flood)."""
        user = self.store.user_by_token(token)
        if user is None:
            failures = self.failed_logins.count()
            if failures:
                anonymous = Actor(None, request_id=request_id)
                self.audit(
                    anonymous,
                    "authentication_failed",
                    None,
                    [],
                    path=path[:PATH_KEPT],
                    failures=failures,
                )
        return user

    def login(self, actor: Actor) -> dict[str, Any]:
        """Who am I: the start of a session, audited as a login."""
        actor.require(LOGIN)
        assert actor.user is not None
        self.audit(actor, "login", "user", [actor.user.id])
        user = actor.user
        return {"name": user.name, "role": user.role.value, "organisation": user.organisation}

    def logout(self, actor: Actor) -> None:
        """The end of a page session (the token stays valid until revoked)."""
        actor.require(LOGIN)
        assert actor.user is not None
        self.audit(actor, "logout", "user", [actor.user.id])

    def add_user(
        self, actor: Actor, name: str, role: UserRole, organisation: str | None = None
    ) -> tuple[User, str]:
        """Create a user; the token is returned once (only its hash is stored)."""
        actor.require(MANAGE_USERS)
        user, token = self.store.add_user(name, role, organisation)
        self.audit(
            actor, "user_add", "user", (user.id,), name=name, role=str(role), org=organisation
        )
        return user, token

    def revoke_user(self, actor: Actor, name: str) -> bool:
        actor.require(MANAGE_USERS)
        revoked = self.store.revoke_user(name)
        self.audit(actor, "user_revoke", "user", (), name=name, revoked=revoked)
        return revoked
