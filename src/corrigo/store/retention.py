"""Retention: forgetting old reports and the reader hashes that outlived their salt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, exists, func, select, update

from corrigo.domain.lifecycle import Status
from corrigo.store.models import ErrorGroup, Report, table_of
from corrigo.store.rollups import Rollup, day_of

REPORTS = table_of(Report)
GROUPS = table_of(ErrorGroup)
# A reader hash can only link reports while its day's salt exists (two days).
READER_HASH_DAYS = 2
# What the statistics' rollups need to know of a group that is deleted.
_COUNTED = ("id", "site_id", "url_hash", "url", "status", "report_count", "first_seen")


@dataclass(frozen=True, slots=True)
class Purged:
    """How many rows a purge removed or anonymised."""

    reports: int
    groups: int
    hashes_cleared: int


def purge(conn: Connection, retention_days: int, now: datetime | None = None) -> Purged:
    """Delete reports older than `retention_days`, then closed groups left without reports.

    Open groups keep their row (with its counter) so a misprint still waiting for an
    editor is not lost; reader hashes older than two days are blanked everywhere.
    """
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=retention_days)
    rollup = Rollup()
    # What the statistics counted of the rows about to go, read before they go.
    old_reports = REPORTS.c.created_at < cutoff
    day = day_of(conn, REPORTS.c.created_at)
    for site_id, report_day, count in conn.execute(
        select(REPORTS.c.site_id, day, func.count())
        .where(old_reports)
        .group_by(REPORTS.c.site_id, day)
    ):
        rollup.reports(site_id, report_day, -count)
    reports = conn.execute(delete(REPORTS).where(old_reports)).rowcount
    orphaned = [
        GROUPS.c.status != Status.OPEN,
        GROUPS.c.last_seen < cutoff,
        ~exists(select(REPORTS.c.id).where(REPORTS.c.group_id == GROUPS.c.id)),
    ]
    doomed = select(*(GROUPS.c[name] for name in _COUNTED)).where(*orphaned)
    for group in conn.execute(doomed):
        rollup.opened(group.site_id, group.first_seen, -1)
        # Fixed ones leave the fixes, misprints their pages.
        rollup.change_status(group, group.status, "", now)
    groups = conn.execute(delete(GROUPS).where(*orphaned)).rowcount
    hashes = conn.execute(
        update(REPORTS)
        .where(
            REPORTS.c.created_at < now - timedelta(days=READER_HASH_DAYS),
            REPORTS.c.reader_hash != "",
        )
        .values(reader_hash="")
    ).rowcount
    rollup.write(conn)
    return Purged(reports=reports, groups=groups, hashes_cleared=hashes)


def purge_now(engine: Engine, retention_days: int) -> Purged:
    """Purge in one transaction of its own."""
    with engine.begin() as conn:
        return purge(conn, retention_days)
