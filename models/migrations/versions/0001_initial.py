"""Initial schema: organisations, cases, person records, relations, entities, keys, pairs,
imports, users, match models.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column]:
    return [
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(200)),
        sa.Column("case_type", sa.String(40)),
        sa.Column("role", sa.String(40)),
        sa.Column("registered_on", sa.Date),
        sa.Column("full_name", sa.Text),
        sa.Column("family_name", sa.Text),
        sa.Column("given_names", sa.Text),
        sa.Column("aliases", sa.Text),
        sa.Column("sex", sa.String(1)),
        sa.Column("birth_date", sa.Text),
        sa.Column("birth_earliest", sa.Date),
        sa.Column("birth_latest", sa.Date),
        sa.Column("birth_precision", sa.String(20)),
        sa.Column("birth_placeholder", sa.Boolean, nullable=False),
        sa.Column("age", sa.Integer),
        sa.Column("age_estimated", sa.Boolean, nullable=False),
        sa.Column("origin_village", sa.Text),
        sa.Column("origin_commune", sa.Text),
        sa.Column("origin_cercle", sa.Text),
        sa.Column("origin_region", sa.Text),
        sa.Column("father_name", sa.Text),
        sa.Column("mother_name", sa.Text),
        sa.Column("phone", sa.Text),
        sa.Column("nationality", sa.Text),
        sa.Column("return_consent", sa.String(3)),
        sa.Column("current_location", sa.Text),
        sa.Column("extra", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("code", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.Text),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("case_type", sa.String(40)),
        sa.UniqueConstraint("source", "case_id", name="uq_cases_source_case"),
    )
    op.create_table(
        "person_records",
        sa.Column("id", sa.Uuid, primary_key=True),
        *_record_columns(),
        sa.Column("entity_id", sa.Uuid),
        sa.Column("import_id", sa.Uuid),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "record_id", name="uq_person_records_source_record"),
    )
    op.create_index("ix_person_records_entity_id", "person_records", ["entity_id"])
    op.create_index("ix_person_records_case", "person_records", ["source", "case_id"])
    op.create_index("ix_person_records_import", "person_records", ["import_id"])
    op.create_table(
        "relations",
        sa.Column("record_id", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("related_record_id", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "relation", "related_record_id", name="pk_relations"),
    )
    op.create_index("ix_relations_related", "relations", ["related_record_id"])
    op.create_table(
        "entities",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "blocking_keys",
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("record_id", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.PrimaryKeyConstraint("key", "record_id", name="pk_blocking_keys"),
    )
    op.create_index("ix_blocking_keys_record", "blocking_keys", ["record_id"])
    op.create_table(
        "match_pairs",
        sa.Column("record_a", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("record_b", sa.Uuid, sa.ForeignKey("person_records.id"), nullable=False),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("band", sa.String(10), nullable=False),
        sa.Column("model_version", sa.String(60), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("record_a", "record_b", name="pk_match_pairs"),
    )
    op.create_index("ix_match_pairs_band", "match_pairs", ["band"])
    op.create_index("ix_match_pairs_record_b", "match_pairs", ["record_b"])
    op.create_table(
        "imports",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("new", sa.Integer, nullable=False),
        sa.Column("changed", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("relations", sa.Integer, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("organisation", sa.String(120)),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "match_models",
        sa.Column("version", sa.String(60), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "match_models",
        "users",
        "imports",
        "match_pairs",
        "blocking_keys",
        "entities",
        "relations",
        "person_records",
        "cases",
        "organisations",
    ):
        op.drop_table(table)
