"""An index on the decision a revert undoes: whether a decision was reverted is asked of
every decision of a suggestion, a person or a pair read (`ReviewTx.reverted_ids`), and
without it each question read the whole append-only log.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decisions_reverts", "decisions", ["reverts"])


def downgrade() -> None:
    op.drop_index("ix_decisions_reverts", table_name="decisions")
