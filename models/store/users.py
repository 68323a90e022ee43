"""Users and their tokens: only a token's hash is stored; tokens expire and rotate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from i18n import Message
from models.store.errors import StoreError
from models.store.stamps import user_of
from models.tables import users
from models.users import User, UserRole, new_token, token_expiry, token_hash


class UserStore:
    """The users half of the store (mixed into `Store`)."""

    engine: Engine

    def add_user(
        self,
        name: str,
        role: UserRole,
        organisation: str | None = None,
        expires_in_days: int | None = None,
    ) -> tuple[User, str]:
        """Create a user; returns the user and the token, which is never stored in clear.
        The token expires after `expires_in_days` (default `NRM_TOKEN_DAYS`)."""
        token = new_token()
        now = datetime.now(UTC)
        values = {
            "id": uuid.uuid4(),
            "name": name,
            "role": role.value,
            "organisation": organisation,
            "token_hash": token_hash(token),
            "created_at": now,
            "expires_at": token_expiry(expires_in_days, now),
        }
        with self.engine.begin() as c:
            if c.execute(select(users.c.id).where(users.c.name == name)).first():
                raise StoreError(Message('a user named "{name}" already exists', name=name))
            c.execute(insert(users).values(**values))
        return user_of(values), token

    def user_by_token(self, token: str) -> User | None:
        """The active (not revoked) user holding this token, expired or not."""
        with self.engine.connect() as c:
            row = c.execute(
                select(users).where(
                    users.c.token_hash == token_hash(token), users.c.revoked_at.is_(None)
                )
            ).first()
        return user_of(row._mapping) if row else None

    def touch_user(self, user_id: uuid.UUID, now: datetime, every_seconds: int = 60) -> None:
        """Record a use of the user's token, unless one was recorded in the last
        `every_seconds` (one write a minute per user, not one per request)."""
        with self.engine.begin() as c:
            c.execute(
                update(users)
                .where(
                    users.c.id == user_id,
                    (users.c.last_used_at.is_(None))
                    | (users.c.last_used_at < now - timedelta(seconds=every_seconds)),
                )
                .values(last_used_at=now)
            )

    def list_users(self) -> list[User]:
        with self.engine.connect() as c:
            rows = c.execute(select(users).order_by(users.c.name)).all()
        return [user_of(r._mapping) for r in rows]

    def rotate_token(self, name: str, expires_in_days: int | None = None) -> tuple[User, str]:
        """A new token for the active user `name` (the old one stops working at once)."""
        token = new_token()
        with self.engine.begin() as c:
            result = c.execute(
                update(users)
                .where(users.c.name == name, users.c.revoked_at.is_(None))
                .values(token_hash=token_hash(token), expires_at=token_expiry(expires_in_days))
            )
            if result.rowcount == 0:
                raise StoreError(Message('no active user named "{name}"', name=name))
            row = c.execute(select(users).where(users.c.name == name)).one()
        return user_of(row._mapping), token

    def revoke_user(self, name: str) -> bool:
        with self.engine.begin() as c:
            result = c.execute(
                update(users)
                .where(users.c.name == name, users.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
        return result.rowcount > 0
