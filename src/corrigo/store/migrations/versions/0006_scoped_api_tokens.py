"""API tokens limited to one site and to reading

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing tokens keep what they could do: every site of their owner, reading and writing.
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("read_only", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            op.f("fk_api_tokens_site_id_sites"), "sites", ["site_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_api_tokens_site_id_sites"), type_="foreignkey")
        batch_op.drop_column("read_only")
        batch_op.drop_column("site_id")
