"""The persisted family graph (edge rows, the keys its persons are filed under) and the
decisions on tracing requests' potential matches.

Empty after the upgrade: the first relatives query, or `nrm graph rebuild`, fills it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kin_edges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(60), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("other", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
    )
    op.create_index("ix_kin_edges_person", "kin_edges", ["person"])
    op.create_index("ix_kin_edges_other", "kin_edges", ["other"])
    op.create_table(
        "kin_keys",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("person", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("key", "person", name="pk_kin_keys"),
    )
    op.create_index("ix_kin_keys_person", "kin_keys", ["person"])
    op.create_table(
        "tracing_matches",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("person", sa.String(60), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("user_id", sa.Uuid),
        sa.Column("user_name", sa.String(200)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tracing_matches_case", "tracing_matches", ["source", "case_id"])


def downgrade() -> None:
    op.drop_table("tracing_matches")
    op.drop_table("kin_keys")
    op.drop_table("kin_edges")
