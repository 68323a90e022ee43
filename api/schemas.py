"""Response and request bodies of the HTTP API (kept apart from the tables)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Health(BaseModel):
    status: str
    database: str
    schema_version: str | None
    schema_up_to_date: bool
    durability: dict[str, str]
    """SQLite `synchronous` / PostgreSQL `fsync` and `synchronous_commit`: what makes a
    committed decision survive a crash."""


class RecordList(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
