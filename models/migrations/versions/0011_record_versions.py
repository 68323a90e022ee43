"""Record versions: a stored record's values before an import changed them (a later
file that blanks a phone or moves a location no longer loses what was there). The value
columns are person_records' as the initial migration made them (no migration since
changed them).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def value_columns() -> list[sa.Column]:
    return importlib.import_module("models.migrations.versions.0001_initial")._record_columns()


def upgrade() -> None:
    op.create_table(
        "record_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record", sa.Uuid, nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("import_id", sa.Uuid),
        *value_columns(),
    )
    op.create_index("ix_record_versions_record", "record_versions", ["record"])


def downgrade() -> None:
    op.drop_index("ix_record_versions_record", table_name="record_versions")
    op.drop_table("record_versions")
