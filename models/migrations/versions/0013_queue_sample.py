"""The review queue's random share: a suggestion says whether it is one of the pairs
placed at random in the queue (`models.queue_sample`). The open suggestions written
before join the share, or take their place in it, the first time a link scores them
again (`nrm relink` scores them all).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(
            sa.Column("sampled", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("sampled")
