"""Users: who holds a token (authentication), the start of a session, creating and
revoking users at the command line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from matching.text import fold
from models.records import UNNAMED_SOURCE
from models.users import User, UserRole
from service.context import ADMIN, EVERYONE, Actor, UseCases
from service.errors import TooManyRequests, Unauthorized, UseCaseError
from service.ratelimit import CountedRows, RateLimiter

LOGIN = EVERYONE
MANAGE_USERS = frozenset({ADMIN})
"""Users are created and revoked at the command line (`nrm user`), by the operator."""


LAST_USE_EVERY_SECONDS = 60
"""A token's last use is written at most once a minute per user (not once a request)."""
FAILED_LOGIN_ROWS_PER_MINUTE = 10
FAILURES_PER_ADDRESS_PER_MINUTE = 30
"""Failed authentications one client address may make in a minute before it gets 429 (per
server process: counted in memory, so a flood costs no write)."""
PATH_KEPT = 200
_EVERYONE = UUID(int=0)


def stored_spelling(known: Iterable[str], given: str) -> str | None:
    """How the stored records spell an organisation `given` spells otherwise ("OIM" for
    "oim"); None when they spell it so, or do not name it."""
    known = list(known)
    if given in known:
        return None
    return next((k for k in known if fold(k) == fold(given)), None)


class FailedLogins:
    """Failed authentications, counted; an audit row is due at most so many times a
    minute (per server process), and then says how many failures it stands for."""

    def __init__(
        self,
        per_minute: int = FAILED_LOGIN_ROWS_PER_MINUTE,
        per_address: int = FAILURES_PER_ADDRESS_PER_MINUTE,
    ) -> None:
        self.rows = CountedRows(per_minute)
        self.by_address = RateLimiter(per_window=per_address)

    def wait(self, address: str | None) -> float:
        """Count one failure of this client address; seconds it must now wait (0: none)."""
        return self.by_address.retry_after(address) if address else 0.0

    def count(self) -> int:
        """Count one failure; the failures to write now (0: not yet)."""
        return self.rows.count(_EVERYONE)


class TokenExpired(Unauthorized):
    """A token past its `expires_at`: answered 401, and audited like a failure."""


class Users(UseCases):
    failed_logins: FailedLogins

    def authenticate(
        self, token: str, request_id: str | None, path: str, address: str | None = None
    ) -> User | None:
        """The user holding this token, or None (a failed authentication: audited, but at
        most `FAILED_LOGIN_ROWS_PER_MINUTE` rows a minute, each counting the failures since
        the last, with the path cut to `PATH_KEPT` characters: anyone may send bad tokens,
        and the append-only audit trail can never be cleaned of a flood). An expired token
        raises `TokenExpired`. A client `address` past `FAILURES_PER_ADDRESS_PER_MINUTE`
        failures gets 429 instead (a valid token from it still works). A use is recorded at
        most once a minute per user."""
        user = self.store.user_by_token(token)
        now = datetime.now(UTC)
        if user is None or user.expired(now):
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
                    **({"expired_user": str(user.id)} if user else {}),
                )
            wait = self.failed_logins.wait(address)
            if wait > 0:
                raise TooManyRequests(
                    "too many failed authentications from this address", retry_after=wait
                )
            if user is not None:
                assert user.expires_at is not None
                day = user.expires_at.date().isoformat()
                raise TokenExpired(
                    "this token expired on {day}: ask an administrator for a new one "
                    "(nrm user rotate)",
                    day=day,
                )
            return None
        if user.last_used_at is None or (now - user.last_used_at).total_seconds() >= (
            LAST_USE_EVERY_SECONDS
        ):
            self.store.touch_user(user.id, now, LAST_USE_EVERY_SECONDS)
        return user

    def login(self, actor: Actor) -> dict[str, Any]:
        """Who am I: the start of a session, audited as a login."""
        actor.require(LOGIN)
        assert actor.user is not None
        self.audit(actor, "login", "user", [actor.user.id])
        user = actor.user
        return {"name": user.name, "role": user.role.value, "organisation": user.organisation}

    def logout(self, actor: Actor) -> None:
        """The end of a page session, audited (the session itself is ended by
        `Sessions.end_session`; the token stays valid until revoked)."""
        actor.require(LOGIN)
        assert actor.user is not None
        self.audit(actor, "logout", "user", [actor.user.id])

    def add_user(
        self,
        actor: Actor,
        name: str,
        role: UserRole,
        organisation: str | None = None,
        expires_in_days: int | None = None,
    ) -> tuple[User, str]:
        """Create a user; the token is returned once (only its hash is stored) and expires
        after `expires_in_days` (default `NRM_TOKEN_DAYS`, 90)."""
        actor.require(MANAGE_USERS)
        _check_organisation(organisation)
        _check_days(expires_in_days)
        self._check_spelling(role, organisation)
        user, token = self.store.add_user(name, role, organisation, expires_in_days)
        self.audit(
            actor,
            "user_add",
            "user",
            (user.id,),
            name=name,
            role=str(role),
            org=organisation,
            expires_at=_stamp(user.expires_at),
        )
        return user, token

    def _check_spelling(self, role: UserRole, organisation: str | None) -> None:
        """A caseworker reads their organisation's cases, named as the records name it: an
        organisation the records spell otherwise ("oim" for "OIM") would show them none."""
        if role is UserRole.CASEWORKER and not (organisation or "").strip():
            raise UseCaseError("a caseworker reads the cases of an organisation: name it")
        if not organisation:
            return
        same = stored_spelling(self.store.sources(), organisation)
        if same is not None:
            raise UseCaseError(
                'the records name this organisation "{known}", not "{given}"',
                known=same,
                given=organisation,
            )

    def list_users(self, actor: Actor) -> list[dict[str, Any]]:
        """Every user in name order, without tokens: role, organisation, creation,
        expiry, last use, revocation, and whether the token works (`status`)."""
        actor.require(MANAGE_USERS)
        users = self.store.list_users()
        self.audit(actor, "user_list", "user", [u.id for u in users])
        now = datetime.now(UTC)
        return [
            {
                "name": u.name,
                "role": u.role.value,
                "organisation": u.organisation,
                "created_at": _stamp(u.created_at),
                "expires_at": _stamp(u.expires_at),
                "last_used_at": _stamp(u.last_used_at),
                "revoked_at": _stamp(u.revoked_at),
                "status": "revoked" if u.revoked_at else "expired" if u.expired(now) else "active",
            }
            for u in users
        ]

    def rotate_token(
        self, actor: Actor, name: str, expires_in_days: int | None = None
    ) -> tuple[User, str]:
        """A new token for `name`; the old one stops working at once."""
        actor.require(MANAGE_USERS)
        _check_days(expires_in_days)
        user, token = self.store.rotate_token(name, expires_in_days)
        self.audit(
            actor, "user_rotate", "user", (user.id,), name=name, expires_at=_stamp(user.expires_at)
        )
        return user, token

    def revoke_user(self, actor: Actor, name: str) -> bool:
        actor.require(MANAGE_USERS)
        revoked = self.store.revoke_user(name)
        self.audit(actor, "user_revoke", "user", (), name=name, revoked=revoked)
        return revoked


def _check_organisation(organisation: str | None) -> None:
    if organisation is not None and organisation.strip().lower() == UNNAMED_SOURCE:
        raise UseCaseError(
            '"{organisation}" is not an organisation: name the organisation that records the '
            "cases (its code, as in the records' source column)",
            organisation=organisation,
        )


def _check_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= 3650:
        raise UseCaseError("a token lives between 1 and 3650 days")


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
