"""The settings a store keeps about itself (the version of its keys, of its prepared values,
of its family graph)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from models.tables import settings


def read_setting(c: Connection, name: str) -> str | None:
    return c.execute(select(settings.c.value).where(settings.c.name == name)).scalar()


def write_setting(c: Connection, name: str, value: str) -> None:
    now = datetime.now(UTC)
    done = c.execute(
        update(settings).where(settings.c.name == name).values(value=value, updated_at=now)
    )
    if done.rowcount == 0:
        c.execute(insert(settings).values(name=name, value=value, updated_at=now))


def delete_setting(c: Connection, name: str) -> None:
    c.execute(delete(settings).where(settings.c.name == name))
