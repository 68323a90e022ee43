"""A decision on a tracing request's potential match names the sought record it is for
(a family may seek several children): NULL for the decisions made before, which apply
to the request as a whole.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracing_matches") as batch:
        batch.add_column(sa.Column("sought_record_id", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("tracing_matches") as batch:
        batch.drop_column("sought_record_id")
