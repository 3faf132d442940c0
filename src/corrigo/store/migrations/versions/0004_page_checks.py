"""page checks: site article selector and interval, group check state, checked pages

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite adds them in place, without rebuilding the table (and
    # dropping the search triggers on it). The server defaults fill the rows already there.
    op.add_column("sites", sa.Column("article_selector", sa.String(length=500), nullable=True))
    op.add_column("sites", sa.Column("verify_interval", sa.Integer(), nullable=True))
    op.add_column("groups", sa.Column("check_due_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("groups", sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("groups", sa.Column("check_outcome", sa.String(length=12), nullable=True))
    op.add_column("groups", sa.Column("check_now", sa.Text(), nullable=True))
    op.add_column("groups", sa.Column("check_reason", sa.Text(), nullable=False, server_default=""))
    op.add_column(
        "groups",
        sa.Column("still_on_page", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_groups_check_due", "groups", ["check_due_at"])
    op.create_table(
        "checked_pages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url_hash", sa.String(length=32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=64), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_checked_pages_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checked_pages")),
        sa.UniqueConstraint("site_id", "url_hash", name=op.f("uq_checked_pages_site_id")),
    )


def downgrade() -> None:
    op.drop_table("checked_pages")
    op.drop_index("ix_groups_check_due", table_name="groups")
    for column in (
        "still_on_page",
        "check_reason",
        "check_now",
        "check_outcome",
        "checked_at",
        "check_due_at",
    ):
        op.drop_column("groups", column)
    op.drop_column("sites", "verify_interval")
    op.drop_column("sites", "article_selector")
