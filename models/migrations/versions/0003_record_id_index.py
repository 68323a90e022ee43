"""An index on the organisation's record id alone.

`nrm relatives RECORD_ID`, `nrm assess` and relations naming a stored record look a
record up by its id without the source (the unique index leads with the source): without
this index each lookup reads the whole table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_person_records_record_id", "person_records", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_person_records_record_id", table_name="person_records")
