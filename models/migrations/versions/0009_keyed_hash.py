"""A record remembers the content digest its stored blocking keys were computed from
(`keyed_hash`): a relink keeps the keys of the records and cases that have not changed
since, instead of writing every key again. NULL for the records stored before, whose keys
the next relink or key rebuild writes.

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
    with op.batch_alter_table("person_records") as batch:
        batch.add_column(sa.Column("keyed_hash", sa.String(32)))


def downgrade() -> None:
    with op.batch_alter_table("person_records") as batch:
        batch.drop_column("keyed_hash")
