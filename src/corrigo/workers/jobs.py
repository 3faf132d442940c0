"""Every periodic job, in one table: what runs, where, and how often.

``server`` jobs run in each ``corrigo serve`` process (beside the ingest
writer); ``workers`` jobs run wherever the workers run (inside the server, or
``corrigo worker``). :mod:`corrigo.workers.scheduler` runs them. A new job is
one more row here.

Digests are not a row, because nothing about them is periodic: a digest channel's
delivery is written with its channel's next digest time as its due time
(`corrigo.store.outbox.digest_due`), and the notifier claims due digests in the same
round as the other deliveries, so that they share its per-channel limits, leases and
retries. The page checks' rounds are likewise the checker's queue; what is periodic
about them (finding the groups that fall due) is the ``page-check-schedule`` row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from corrigo.store.checks import schedule_open_groups
from corrigo.store.planner import (
    POSTGRESQL_CHECK_SECONDS,
    SQLITE_REFRESH_SECONDS,
    refresh_statistics,
)
from corrigo.store.retention import purge_now
from corrigo.workers.scheduler import Job, JobContext, Place, seconds

RETENTION_SECONDS = 24 * 3600.0
# How often open groups are looked at for a due page check: their intervals are hours by
# default, 30 s in the demo; the checker itself (workers/checker.py) claims what is due.
CHECK_SCHEDULE_SECONDS = 15.0
# The first purge waits a little: a server that has just started has better things to do.
FIRST_PURGE_SECONDS = 60.0


def _statistics_interval(ctx: JobContext) -> float:
    # SQLite needs a fresh sample a few times a day; on PostgreSQL most checks find
    # nothing to do and cost one small query (see corrigo.store.planner).
    return SQLITE_REFRESH_SECONDS if ctx.is_sqlite else POSTGRESQL_CHECK_SECONDS


def _statistics(ctx: JobContext) -> None:
    refresh_statistics(ctx.engine)


def _purge(ctx: JobContext) -> str:
    result = purge_now(ctx.engine, ctx.settings.report_retention_days)
    return (
        f"deleted {result.reports} reports and {result.groups} closed groups, "
        f"cleared {result.hashes_cleared} reader hashes"
    )


def _schedule_checks(ctx: JobContext) -> None:
    with ctx.engine.begin() as conn:
        schedule_open_groups(conn, datetime.now(UTC), ctx.settings.verify_seconds)


PLANNER_STATISTICS = Job(
    "planner-statistics", "server", every=_statistics_interval, run=_statistics
)
RETENTION = Job(
    "retention",
    "workers",
    every=seconds(RETENTION_SECONDS),
    first=seconds(FIRST_PURGE_SECONDS),
    run=_purge,
)

PAGE_CHECK_SCHEDULE = Job(
    "page-check-schedule",
    "workers",
    every=seconds(CHECK_SCHEDULE_SECONDS),
    run=_schedule_checks,
)

JOBS: tuple[Job, ...] = (PLANNER_STATISTICS, RETENTION, PAGE_CHECK_SCHEDULE)


def jobs_for(place: Place) -> list[Job]:
    """The jobs that run in this place (``server`` or ``workers``)."""
    return [job for job in JOBS if job.place == place]
