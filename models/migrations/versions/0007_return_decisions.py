"""Caseworkers' decisions on a safe return, each with the assessment it was made on and
the records of the person then; append-only, like the match decisions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("return_decisions", "return_decision_records")


def upgrade() -> None:
    op.create_table(
        "return_decisions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person", sa.String(60), nullable=False),
        sa.Column("records", sa.JSON, nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("review_by", sa.Date, nullable=False),
        sa.Column("best_interests", sa.JSON),
        sa.Column("override", sa.Text),
        sa.Column("assessment", sa.JSON, nullable=False),
        sa.Column("user_id", sa.Uuid),
        sa.Column("user_name", sa.String(200)),
        sa.Column("organisation", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "return_decision_records",
        sa.Column("decision_id", sa.Uuid, nullable=False),
        sa.Column("record_id", sa.Uuid, nullable=False),
        sa.PrimaryKeyConstraint("decision_id", "record_id", name="pk_return_decision_records"),
    )
    op.create_index("ix_return_decision_records_record", "return_decision_records", ["record_id"])
    _append_only()


def _append_only() -> None:
    """The same triggers as the audit trail's (0002): no UPDATE, no DELETE."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION nrm_append_only()"
        )


def downgrade() -> None:
    op.drop_table("return_decision_records")
    op.drop_table("return_decisions")
