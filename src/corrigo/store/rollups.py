"""Daily rollups behind the statistics page, kept current in the writers' own transactions.

At a million reports, counting reports, groups and pages for a year took seconds;
the statistics page now reads these tables instead (see `corrigo.store.stats`):

- ``stats_days``: per site and UTC day, the reports received and the groups first
  reported (every status);
- ``stats_fixes``: one row per fixed group, with the day of the fix, the seconds
  from its first report and their bucket, so that a median reads the counts per
  bucket and then the values of the one or two buckets it falls in;
- ``stats_pages``: per page and day of first report, its misprints (open or fixed
  groups) and the sum of their counters;
- ``stats_sections``: per site section and day, the same misprints.

Every writer that changes what they count collects its changes in a
:class:`Rollup` and writes them before it commits: the ingest's batches
(`corrigo.store.ingest`), editors' decisions (`corrigo.store.triage`), the page
checker's fixes (`corrigo.store.checks`) and retention (`corrigo.store.retention`).
Rows are written in one order of tables and keys everywhere, so two PostgreSQL
transactions updating the same rows wait for each other instead of deadlocking.
:func:`rebuild` computes them all from the groups and reports (migration 0008, bulk loads).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, column, delete, func, select, table

from corrigo.domain.lifecycle import Status
from corrigo.domain.trends import duration_bucket, section_of
from corrigo.store.driver_sql import for_driver

# Groups that are misprints (spam and "not an error" are not).
MISPRINT_STATUSES = (Status.OPEN, Status.FIXED)

_DAYS = (
    "INSERT INTO stats_days (site_id, day, reports, opened) VALUES (:site_id, :day, :reports, "
    ":opened) ON CONFLICT (site_id, day) DO UPDATE SET reports = stats_days.reports + "
    "excluded.reports, opened = stats_days.opened + excluded.opened"
)
_PAGES = (
    "INSERT INTO stats_pages (site_id, url_hash, day, url, misprints, reports) VALUES "
    "(:site_id, :url_hash, :day, :url, :misprints, :reports) ON CONFLICT (site_id, url_hash, day) "
    "DO UPDATE SET misprints = stats_pages.misprints + excluded.misprints, "
    "reports = stats_pages.reports + excluded.reports"
)
_SECTIONS = (
    "INSERT INTO stats_sections (day, site_id, section, misprints) VALUES (:day, :site_id, "
    ":section, :misprints) ON CONFLICT (day, site_id, section) DO UPDATE SET "
    "misprints = stats_sections.misprints + excluded.misprints"
)
_UNFIX = "DELETE FROM stats_fixes WHERE group_id = :group_id"
_FIX = (
    "INSERT INTO stats_fixes (group_id, site_id, day, seconds, bucket) "
    "VALUES (:group_id, :site_id, :day, :seconds, :bucket)"
)


def moment(value: datetime | str) -> datetime:
    """A timestamp as the database driver returned it, as an aware UTC datetime.

    SQLite hands raw statements text (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC).
    """
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_day(value: datetime | date | str) -> date:
    """The UTC calendar day of a timestamp (or a day the database already computed)."""
    if isinstance(value, datetime | str):
        return moment(value).date()
    return value


@dataclass(slots=True)
class Rollup:
    """Changes to the rollups collected during one transaction, written by :meth:`write`."""

    days: Counter[tuple[int, date, str]] = field(default_factory=Counter)
    pages: dict[tuple[int, str, date], list[Any]] = field(default_factory=dict)
    sections: Counter[tuple[date, int, str]] = field(default_factory=Counter)
    fixes: dict[int, tuple[int, date, float]] = field(default_factory=dict)
    unfixed: set[int] = field(default_factory=set)

    def reports(self, site_id: int, at: datetime | str, count: int = 1) -> None:
        """`count` reports received at `at` were stored (negative: deleted)."""
        self.days[(site_id, utc_day(at), "reports")] += count

    def opened(self, site_id: int, first_seen: datetime | str, count: int = 1) -> None:
        """A group first reported at `first_seen` was created (-1: deleted)."""
        self.days[(site_id, utc_day(first_seen), "opened")] += count

    def misprints(
        self,
        site_id: int,
        page: tuple[str, str],
        first_seen: datetime | str,
        misprints: int,
        reports: int,
    ) -> None:
        """A page's misprints and their reports changed; `page` is (url_hash, url)."""
        url_hash, url = page
        day = utc_day(first_seen)
        row = self.pages.setdefault((site_id, url_hash, day), [url, 0, 0])
        row[1] += misprints
        row[2] += reports
        if misprints:
            self.sections[(day, site_id, section_of(url))] += misprints

    def fixed(self, group_id: int, site_id: int, first_seen: datetime | str, at: datetime) -> None:
        """The group was marked fixed at `at`."""
        # A clock step can put a fix before its first report; it took no time.
        seconds = max((moment(at) - moment(first_seen)).total_seconds(), 0.0)
        self.unfixed.discard(group_id)
        self.fixes[group_id] = (site_id, utc_day(at), seconds)

    def unfix(self, group_id: int) -> None:
        """The group is no longer fixed (reopened or decided otherwise)."""
        self.fixes.pop(group_id, None)
        self.unfixed.add(group_id)

    def change_status(self, group: Any, before: str, after: str, at: datetime) -> None:
        """A group (an ErrorGroup or a row with its columns) went from `before` to `after`."""
        if before == Status.FIXED:
            self.unfix(group.id)
        if after == Status.FIXED:
            self.fixed(group.id, group.site_id, group.first_seen, at)
        was, now = before in MISPRINT_STATUSES, after in MISPRINT_STATUSES
        if was != now:
            sign = 1 if now else -1
            page = (group.url_hash, group.url)
            self.misprints(group.site_id, page, group.first_seen, sign, sign * group.report_count)

    def write(self, conn: Connection) -> None:
        """Apply the changes inside the caller's transaction, in the one order used everywhere.

        The statements run on the driver's cursor: the ingest writes rollups with every
        batch, and SQLAlchemy's work per statement cost more than the upserts themselves.
        """
        postgresql = conn.dialect.name == "postgresql"
        # SQLite keeps days as 'YYYY-MM-DD' text, as SQLAlchemy's Date stores them.
        stored: Callable[[date], Any] = (lambda day: day) if postgresql else date.isoformat
        days: dict[tuple[int, date], dict[str, Any]] = {}
        for (site_id, day, kind), count in self.days.items():
            row = days.setdefault(
                (site_id, day), {"site_id": site_id, "day": stored(day), "reports": 0, "opened": 0}
            )
            row[kind] += count
        pages = [
            {"site_id": site_id, "url_hash": url_hash, "day": stored(day), "url": url,
             "misprints": m, "reports": r}
            for (site_id, url_hash, day), (url, m, r) in sorted(self.pages.items())
            if m or r
        ]  # fmt: skip
        sections = [
            {"day": stored(day), "site_id": site_id, "section": section, "misprints": count}
            for (day, site_id, section), count in sorted(self.sections.items())
            if count
        ]
        unfixed = [{"group_id": group_id} for group_id in sorted(self.unfixed)]
        fixes = [
            {"group_id": group_id, "site_id": site_id, "day": stored(day), "seconds": seconds,
             "bucket": duration_bucket(seconds)}
            for group_id, (site_id, day, seconds) in sorted(self.fixes.items())
        ]  # fmt: skip
        statements = (
            (_DAYS, [days[key] for key in sorted(days)]),
            (_PAGES, pages),
            (_SECTIONS, sections),
            (_UNFIX, unfixed),
            (_FIX, fixes),
        )
        with closing(conn.connection.cursor()) as cursor:
            for sql, rows in statements:
                if rows:
                    cursor.executemany(for_driver(postgresql, sql), rows)


_REPORTS = table("reports", column("site_id"), column("created_at"))
_GROUPS = table(
    "groups",
    *(column(name) for name in ("id", "site_id", "url_hash", "url", "status", "report_count")),
    *(column(name) for name in ("first_seen", "status_changed_at")),
)


def day_of(conn: Connection, moment_column: Any) -> Any:
    """The UTC day of a timestamp column, in SQL."""
    if conn.dialect.name == "postgresql":
        return func.date(func.timezone("UTC", moment_column))
    # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
    return func.substr(moment_column, 1, 10)


def rebuild(conn: Connection) -> None:
    """Compute every rollup afresh from the groups and reports (inside the caller's transaction).

    Migration 0008 fills them this way for stores made before they existed, and
    bulk loads that write rows directly (the dashboard benchmark) call it after.
    """
    for name in ("stats_fixes", "stats_sections", "stats_pages", "stats_days"):
        conn.execute(delete(table(name)))
    rollup = Rollup()
    reports, groups = _REPORTS.c, _GROUPS.c
    created, first_seen = day_of(conn, reports.created_at), day_of(conn, groups.first_seen)
    for site_id, day, count in conn.execute(
        select(reports.site_id, created, func.count()).group_by(reports.site_id, created)
    ):
        rollup.reports(site_id, day, count)
    for site_id, day, count in conn.execute(
        select(groups.site_id, first_seen, func.count()).group_by(groups.site_id, first_seen)
    ):
        rollup.opened(site_id, day, count)
    pages = (
        select(
            groups.site_id,
            groups.url_hash,
            first_seen,
            func.min(groups.url),
            func.count(),
            func.sum(groups.report_count),
        )
        .where(groups.status.in_(MISPRINT_STATUSES))
        .group_by(groups.site_id, groups.url_hash, first_seen)
    )
    for site_id, url_hash, day, url, misprints, count in conn.execute(pages):
        rollup.misprints(site_id, (url_hash, url), day, int(misprints), int(count))
    fixes = select(groups.id, groups.site_id, groups.first_seen, groups.status_changed_at).where(
        groups.status == Status.FIXED, groups.status_changed_at.is_not(None)
    )
    for group_id, site_id, seen, changed in conn.execute(fixes):
        rollup.fixed(group_id, site_id, seen, moment(changed))
    rollup.write(conn)
