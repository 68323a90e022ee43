"""Prepared values (`matching.prepared`): what matching made of each name, parent's name
and place as written, kept so that linking a new record does not parse its candidates'
again. Empty for a store linked before; its next relink fills it, and every import adds
what it worked out.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prepared_values",
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name="pk_prepared_values"),
    )


def downgrade() -> None:
    op.drop_table("prepared_values")
