"""The content digest each record's blocking keys were written from (`keyed_records`):
a relink keeps the keys of the records and cases that have not changed since, instead of
writing every key again. Empty for the records stored before, whose keys the next relink
or key rebuild writes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keyed_records",
        sa.Column("record_id", sa.Uuid, sa.ForeignKey("person_records.id"), primary_key=True),
        sa.Column("content_hash", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("keyed_records")
