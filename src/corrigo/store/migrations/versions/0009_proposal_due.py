"""proposal due: groups whose proposal's inputs changed since it was computed

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Only open groups are ever proposed for; a group that opens again is made due then.
DUE = "proposal_due > 0 AND status = 'open'"


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite adds it in place, without rebuilding the table (and
    # dropping the search triggers on it). The server default fills the rows already there.
    op.add_column(
        "groups",
        sa.Column("proposal_due", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    # Due as the proposer decided until now: open, and no proposal or one computed for
    # fewer reports than the group has.
    op.execute(
        "UPDATE \"groups\" SET proposal_due = 1 WHERE status = 'open' AND NOT EXISTS ("
        'SELECT 1 FROM proposals WHERE proposals.group_id = "groups".id '
        'AND proposals.report_count >= "groups".report_count)'
    )
    op.create_index(
        "ix_groups_proposal_due",
        "groups",
        ["status", "id"],
        sqlite_where=sa.text(DUE),
        postgresql_where=sa.text(DUE),
    )


def downgrade() -> None:
    op.drop_index("ix_groups_proposal_due", table_name="groups")
    op.drop_column("groups", "proposal_due")
