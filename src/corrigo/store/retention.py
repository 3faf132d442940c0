"""Retention: forgetting old reports and the reader hashes that outlived their salt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, exists, select, update

from corrigo.domain.lifecycle import Status
from corrigo.store.models import ErrorGroup, Report

REPORTS = Report.__table__
GROUPS = ErrorGroup.__table__
# A reader hash can only link reports while its day's salt exists (two days).
READER_HASH_DAYS = 2


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
    reports = conn.execute(delete(REPORTS).where(REPORTS.c.created_at < cutoff)).rowcount
    orphaned = (
        delete(GROUPS)
        .where(GROUPS.c.status != Status.OPEN, GROUPS.c.last_seen < cutoff)
        .where(~exists(select(REPORTS.c.id).where(REPORTS.c.group_id == GROUPS.c.id)))
    )
    groups = conn.execute(orphaned).rowcount
    hashes = conn.execute(
        update(REPORTS)
        .where(
            REPORTS.c.created_at < now - timedelta(days=READER_HASH_DAYS),
            REPORTS.c.reader_hash != "",
        )
        .values(reader_hash="")
    ).rowcount
    return Purged(reports=reports, groups=groups, hashes_cleared=hashes)


def purge_now(engine: Engine, retention_days: int) -> Purged:
    """Purge in one transaction of its own."""
    with engine.begin() as conn:
        return purge(conn, retention_days)
