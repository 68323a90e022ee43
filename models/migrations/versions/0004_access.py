"""Tokens that age, and rate limits shared by every server process.

`users.expires_at` (a token's end; existing tokens get `NRM_TOKEN_DAYS`, default 90,
from this migration, so no token lives for ever) and `users.last_used_at` (written at
most once a minute per user); `rate_counters`, calls per user, kind and minute.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from models.users import token_days

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("expires_at", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    users = sa.table("users", sa.column("expires_at", sa.DateTime(timezone=True)))
    op.execute(users.update().values(expires_at=datetime.now(UTC) + timedelta(days=token_days())))
    op.create_table(
        "rate_counters",
        sa.Column("subject", sa.String(80), primary_key=True),
        sa.Column("window", sa.Integer, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_counters")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
