"""Users, roles and API tokens. Only a token's SHA-256 is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class UserRole(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    CASEWORKER = "caseworker"
    TRACING_OFFICER = "tracing_officer"


class User(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    name: str
    role: UserRole
    organisation: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None
    expires_at: datetime | None = None
    last_used_at: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or datetime.now(UTC))


TOKEN_DAYS_VAR = "NRM_TOKEN_DAYS"
DEFAULT_TOKEN_DAYS = 90


def token_days() -> int:
    """How long a new token lives, in days (`NRM_TOKEN_DAYS`, default 90)."""
    return int(os.environ.get(TOKEN_DAYS_VAR) or DEFAULT_TOKEN_DAYS)


def token_expiry(days: int | None = None, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) + timedelta(days=token_days() if days is None else days)


def new_token() -> str:
    return "nrm_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
