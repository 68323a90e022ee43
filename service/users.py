"""Users: who holds a token (authentication), the start of a session, creating and
revoking users at the command line."""

from __future__ import annotations

from typing import Any

from models.users import User, UserRole
from service.context import ADMIN, EVERYONE, Actor, UseCases

LOGIN = EVERYONE
MANAGE_USERS = frozenset({ADMIN})
"""Users are created and revoked at the command line (`nrm user`), by the operator."""


class Users(UseCases):
    def authenticate(self, token: str, request_id: str | None, path: str) -> User | None:
        """The user holding this token, or None (audited as a failed authentication)."""
        user = self.store.user_by_token(token)
        if user is None:
            anonymous = Actor(None, request_id=request_id)
            self.audit(anonymous, "authentication_failed", None, [], path=path)
        return user

    def login(self, actor: Actor) -> dict[str, Any]:
        """Who am I: the start of a session, audited as a login."""
        actor.require(LOGIN)
        assert actor.user is not None
        self.audit(actor, "login", "user", [actor.user.id])
        user = actor.user
        return {"name": user.name, "role": user.role.value, "organisation": user.organisation}

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
