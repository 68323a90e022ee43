"""Review: suggestions, append-only decisions and audit, model kinds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit", "decisions")


def upgrade() -> None:
    op.add_column(
        "match_models", sa.Column("kind", sa.String(20), nullable=False, server_default="fs")
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("record_a", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("record_b", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("queue_group", sa.Integer, nullable=False),
        sa.Column("uncertainty", sa.Float, nullable=False),
        sa.Column("involves_minor", sa.Boolean, nullable=False),
        sa.Column("tracing_request", sa.Boolean, nullable=False),
        sa.Column("case_type_a", sa.String(40)),
        sa.Column("case_type_b", sa.String(40)),
        sa.Column("source_a", sa.String(120), nullable=False),
        sa.Column("source_b", sa.String(120), nullable=False),
        sa.Column("confirmed_by", sa.Uuid),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("record_a", "record_b", name="uq_suggestions_pair"),
    )
    op.create_index(
        "ix_suggestions_queue", "suggestions", ["status", "queue_group", "uncertainty", "id"]
    )
    op.create_index("ix_suggestions_record_b", "suggestions", ["record_b"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("suggestion_id", sa.Uuid, sa.ForeignKey("suggestions.id")),
        sa.Column("record_a", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("record_b", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("reverts", sa.Uuid),
        sa.Column("effect", sa.String(30), nullable=False),
        sa.Column("entities_before", sa.JSON, nullable=False),
        sa.Column("entities_after", sa.JSON, nullable=False),
        sa.Column("model_version", sa.String(80)),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("organisation", sa.String(120)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_decisions_record_a", "decisions", ["record_a"])
    op.create_index("ix_decisions_record_b", "decisions", ["record_b"])
    op.create_index("ix_decisions_suggestion", "decisions", ["suggestion_id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Uuid),
        sa.Column("user_name", sa.String(200)),
        sa.Column("role", sa.String(30)),
        sa.Column("organisation", sa.String(120)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(30)),
        sa.Column("object_ids", sa.JSON, nullable=False),
        sa.Column("purpose", sa.Text),
        sa.Column("request_id", sa.String(64)),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_user", "audit", ["user_id"])
    _append_only()


def _append_only() -> None:
    """A trigger refuses UPDATE and DELETE on the audit trail and the decision events."""
    if op.get_bind().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION nrm_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION nrm_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS nrm_append_only()")
    for table in ("audit", "decisions", "suggestions"):
        op.drop_table(table)
    op.drop_column("match_models", "kind")
