"""Page sessions: what a signed-in browser holds instead of the user's API token.

Signing in with a token opens a session whose secret is the browser's cookie; the pages
find the user by it (`session_user`). Signing out ends it on the server, so a copied or
left-behind cookie stops working at once; a session also ends after `IDLE` without a
page, after `LONGEST` whatever happens, and when the token it was opened with is rotated
or revoked. The API token itself stays valid until revoked or expired."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from models.users import User
from service.context import UseCases

IDLE = timedelta(hours=2)
"""A session unused this long ends (a shared computer in a field office left open)."""
LONGEST = timedelta(hours=12)
"""No session outlives a working day."""
SEEN_EVERY = timedelta(minutes=1)
"""A session's last page is written at most once a minute (not once a request)."""


class Sessions(UseCases):
    def open_session(self, user: User, token: str) -> str:
        """A new session of `user`, signed in with `token`: its secret, for the cookie."""
        secret = "nrs_" + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        self.store.open_session(secret, user, token, now, forget_before=now - LONGEST)
        return secret

    def session_user(self, secret: str) -> User | None:
        """The user of a live session, None when it ended, timed out or its token changed
        (an expired token ends it too)."""
        now = datetime.now(UTC)
        found = self.store.session_user(secret, now, IDLE, LONGEST)
        if found is None:
            return None
        user, seen = found
        if user.expired(now):
            return None
        if now - seen >= SEEN_EVERY:
            self.store.touch_session(secret, now)
            self.store.touch_user(user.id, now, int(SEEN_EVERY.total_seconds()))
        return user

    def end_session(self, secret: str) -> None:
        self.store.end_session(secret, datetime.now(UTC))
