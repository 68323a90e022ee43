"""Users, roles and API tokens. Only a token's SHA-256 is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
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


def new_token() -> str:
    return "nrm_" + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
