"""Page sessions: a signed-in browser holds a random session secret, not the user's API
token; only the secret's hash is stored. Signing out ends the session on the server (a
copied cookie stops working), a session ends after a time idle or a day's work, and
rotating or revoking the token ends every session opened with it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, insert, select, update

from models.store.stamps import user_of, utc
from models.tables import page_sessions, users
from models.users import User, token_hash


class SessionStore:
    """The page-sessions part of the store (mixed into `Store`)."""

    engine: Engine

    def open_session(
        self, secret: str, user: User, token: str, now: datetime, forget_before: datetime
    ) -> None:
        """Open a session; sessions opened before `forget_before` (all ended by then) are
        deleted: a session's row says nothing once it cannot be used."""
        with self.engine.begin() as c:
            c.execute(delete(page_sessions).where(page_sessions.c.created_at < forget_before))
            c.execute(
                insert(page_sessions).values(
                    digest=token_hash(secret),
                    user_id=user.id,
                    token_hash=token_hash(token),
                    created_at=now,
                    last_seen_at=now,
                )
            )

    def session_user(
        self, secret: str, now: datetime, idle: timedelta, longest: timedelta
    ) -> tuple[User, datetime] | None:
        """The user of a live session (not ended, seen within `idle`, opened within
        `longest`, its token still the user's and not revoked), with when it was last
        seen; None otherwise."""
        s = page_sessions.c
        query = (
            select(users, s.last_seen_at)
            .join(page_sessions, and_(s.user_id == users.c.id, s.token_hash == users.c.token_hash))
            .where(
                s.digest == token_hash(secret),
                s.ended_at.is_(None),
                s.last_seen_at > now - idle,
                s.created_at > now - longest,
                users.c.revoked_at.is_(None),
            )
        )
        with self.engine.connect() as c:
            row = c.execute(query).first()
        if row is None:
            return None
        values = dict(row._mapping)
        seen = values["last_seen_at"]
        user = user_of({c.name: values[c.name] for c in users.columns})
        return user, utc(seen)

    def touch_session(self, secret: str, now: datetime) -> None:
        with self.engine.begin() as c:
            c.execute(
                update(page_sessions)
                .where(page_sessions.c.digest == token_hash(secret))
                .values(last_seen_at=now)
            )

    def end_session(self, secret: str, now: datetime) -> uuid.UUID | None:
        """End the session (the user it was of, None when there was none live)."""
        s = page_sessions.c
        with self.engine.begin() as c:
            row = c.execute(
                select(s.user_id).where(s.digest == token_hash(secret), s.ended_at.is_(None))
            ).first()
            if row is None:
                return None
            c.execute(
                update(page_sessions).where(s.digest == token_hash(secret)).values(ended_at=now)
            )
        return row[0]
