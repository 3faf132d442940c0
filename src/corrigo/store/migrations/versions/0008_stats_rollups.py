"""statistics rollups: reports and groups per day, fixes, pages and sections

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _site(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["site_id"], ["sites.id"], name=op.f(f"fk_{table}_site_id_sites"), ondelete="CASCADE"
    )


SITE = "site_id"


def upgrade() -> None:
    # WITHOUT ROWID on SQLite: the rows live in their primary key's order, which is
    # the order the statistics read them in.
    op.create_table(
        "stats_days",
        sa.Column(SITE, sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "day", name=op.f("pk_stats_days")),
        _site("stats_days"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stats_fixes",
        sa.Column(
            "group_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(SITE, sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_stats_fixes")),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_stats_fixes_group_id_groups"),
            ondelete="CASCADE",
        ),
        _site("stats_fixes"),
    )
    op.create_index("ix_stats_fixes_bucket", "stats_fixes", ["site_id", "bucket", "day", "seconds"])
    op.create_table(
        "stats_pages",
        sa.Column(SITE, sa.Integer(), nullable=False),
        sa.Column("url_hash", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("misprints", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "url_hash", "day", name=op.f("pk_stats_pages")),
        _site("stats_pages"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "stats_sections",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(SITE, sa.Integer(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("misprints", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "site_id", "section", name=op.f("pk_stats_sections")),
        _site("stats_sections"),
        sqlite_with_rowid=False,
    )
    _backfill(op.get_bind())


# {created} and {first_seen} become the UTC days of those columns.
_DAYS = (
    "INSERT INTO stats_days (site_id, day, reports, opened) "
    "SELECT site_id, day, sum(reports), sum(opened) FROM ("
    "SELECT site_id, {created} AS day, count(*) AS reports, 0 AS opened FROM reports "
    "GROUP BY site_id, {created} UNION ALL "
    'SELECT site_id, {first_seen}, 0, count(*) FROM "groups" GROUP BY site_id, {first_seen}'
    ") AS counted GROUP BY site_id, day"
)
_PAGES = (
    "INSERT INTO stats_pages (site_id, url_hash, day, url, misprints, reports) "
    "SELECT site_id, url_hash, {first_seen}, min(url), count(*), sum(report_count) "
    "FROM \"groups\" WHERE status IN ('open', 'fixed') GROUP BY site_id, url_hash, {first_seen}"
)


def _day(postgresql: bool, column: str) -> str:
    """The UTC day of a timestamp column (SQLite keeps 'YYYY-MM-DD HH:MM:SS' text, in UTC)."""
    return f"({column} AT TIME ZONE 'UTC')::date" if postgresql else f"substr({column}, 1, 10)"


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _section(url: str) -> str:
    """Host plus first folder, as the statistics page folds pages (corrigo.domain.trends)."""
    host, _slash, rest = url.partition("://")[2].partition("/")
    path = rest.split("?", 1)[0].split("#", 1)[0]
    folders = [segment for segment in path.split("/")[:-1] if segment]
    return f"{host.lower()}/{folders[0] + '/' if folders else ''}"


def _bucket(seconds: float) -> int:
    """Buckets 5 % wide, as corrigo.domain.trends.duration_bucket counts them."""
    return 0 if seconds < 1 else 1 + int(math.log(seconds) / math.log(1.05))


def _backfill(conn: Any) -> None:
    """Count what the store already holds, as the writers count it from now on."""
    pg = conn.dialect.name == "postgresql"
    days = {"created": _day(pg, "created_at"), "first_seen": _day(pg, "first_seen")}
    conn.execute(sa.text(_DAYS.format(**days)))
    conn.execute(sa.text(_PAGES.format(**days)))
    sections: Counter[tuple[Any, int, str]] = Counter()
    for day, site_id, url, misprints in conn.execute(
        sa.text("SELECT day, site_id, url, misprints FROM stats_pages")
    ):
        sections[(day, site_id, _section(url))] += misprints
    if sections:
        conn.execute(
            sa.text(
                "INSERT INTO stats_sections (day, site_id, section, misprints) "
                "VALUES (:day, :site_id, :section, :misprints)"
            ),
            [
                {"day": day, "site_id": site_id, "section": section, "misprints": count}
                for (day, site_id, section), count in sections.items()
            ],
        )
    fixes = []
    for group_id, site_id, seen, changed in conn.execute(
        sa.text(
            'SELECT id, site_id, first_seen, status_changed_at FROM "groups" '
            "WHERE status = 'fixed' AND status_changed_at IS NOT NULL"
        )
    ):
        fixed_at = _moment(changed)
        seconds = max((fixed_at - _moment(seen)).total_seconds(), 0.0)
        day = fixed_at.date() if pg else fixed_at.date().isoformat()
        fixes.append(
            {"group_id": group_id, "site_id": site_id, "day": day, "seconds": seconds,
             "bucket": _bucket(seconds)}
        )  # fmt: skip
    if fixes:
        conn.execute(
            sa.text(
                "INSERT INTO stats_fixes (group_id, site_id, day, seconds, bucket) "
                "VALUES (:group_id, :site_id, :day, :seconds, :bucket)"
            ),
            fixes,
        )


def downgrade() -> None:
    op.drop_table("stats_sections")
    op.drop_table("stats_pages")
    op.drop_index("ix_stats_fixes_bucket", table_name="stats_fixes")
    op.drop_table("stats_fixes")
    op.drop_table("stats_days")
