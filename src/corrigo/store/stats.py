"""Read-only statistics for the dashboard: reports per day, misprints reported and fixed,
time to fix, the pages and sections with most misprints, per site.

Everything is computed for a :class:`Scope` (which sites, which days) with a
handful of aggregate queries that work alike on SQLite and PostgreSQL; each
reads one covering index range and groups by day *and* site, so the per-day
series and the per-site table come from the same rows. The arithmetic on the
results (filling empty days, medians, folding pages into sections) lives in
:mod:`corrigo.domain.trends`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, false, func, select, true
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Status
from corrigo.domain.trends import day_range, fill_days, median, top_sections
from corrigo.store.checks import fixed_by_checker
from corrigo.store.models import ErrorGroup, Report, Site

# Groups that are misprints (spam and "not an error" are not).
MISPRINT_STATUSES = (Status.OPEN, Status.FIXED)


@dataclass(frozen=True, slots=True)
class Scope:
    """The sites (None: every site) and the calendar days (UTC, both included) to count."""

    sites: Collection[int] | None
    first: date
    last: date

    @property
    def start(self) -> datetime:
        """The first instant of the period."""
        return datetime.combine(self.first, time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SiteSummary:
    """One site's figures for the period; times to fix in seconds."""

    site_id: int
    key: str
    name: str
    reports: int
    opened: int
    fixed: int
    open_now: int
    median_fix_seconds: float | None


@dataclass(frozen=True, slots=True)
class Trends:
    """Day series (one value per day of the scope) and per-site figures."""

    days: list[date]
    reports: list[int]
    opened: list[int]  # groups first reported that day (every status)
    fixed: list[int]  # groups marked fixed that day (and still fixed)
    median_fix_seconds: float | None  # first report to fix, groups fixed in the period
    sites: list[SiteSummary]  # busiest first
    fixed_on_page: int = 0  # open groups the page checker found corrected (no decision)


@dataclass(frozen=True, slots=True)
class PageCount:
    """A page with the misprints (groups) and reports found on it."""

    site_id: int
    url: str
    title: str
    misprints: int
    reports: int


def last_days(sites: Collection[int] | None, days: int, today: date | None = None) -> Scope:
    """The scope of the `days` days that end today (UTC)."""
    today = today or datetime.now(UTC).date()
    return Scope(sites=sites, first=today - timedelta(days=days - 1), last=today)


def _in_sites(column: Any, scope: Scope) -> ColumnElement[bool]:
    if scope.sites is None:
        return true()
    if not scope.sites:
        return false()
    return column.in_(list(scope.sites))


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _day(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp column, in SQL."""
    if _is_postgresql(session):
        return func.date(func.timezone("UTC", column))
    # SQLite keeps UTC timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text.
    return func.substr(column, 1, 10)


@lru_cache(maxsize=1024)
def _as_date(value: date | str) -> date:
    """A day column's value as a date (SQLite answers text); a period has few distinct days."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _seconds_between(session: Session, start: Any, end: Any) -> Any:
    if _is_postgresql(session):
        return func.date_part("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _by_day_and_site(
    session: Session, column: Any, site_column: Any, scope: Scope, *conditions: Any
) -> Counter[tuple[date, int]]:
    """Rows per (UTC day, site) with `column` inside the scope."""
    day = _day(session, column)
    rows = session.execute(
        select(day, site_column, func.count())
        .where(
            column >= scope.start, column < scope.end, _in_sites(site_column, scope), *conditions
        )
        .group_by(day, site_column)
    ).all()
    return Counter({(_as_date(d), int(site)): int(n) for d, site, n in rows})


def _per_day(scope: Scope, counts: Counter[tuple[date, int]]) -> list[int]:
    totals: Counter[date] = Counter()
    for (day, _site), n in counts.items():
        totals[day] += n
    return fill_days(scope.first, scope.last, totals)


def _per_site(counts: Counter[tuple[date, int]]) -> Counter[int]:
    totals: Counter[int] = Counter()
    for (_day, site), n in counts.items():
        totals[site] += n
    return totals


def trends(session: Session, scope: Scope) -> Trends:
    """Reports, reported and fixed misprints per day, time to fix, and per-site figures."""
    reports = _by_day_and_site(session, Report.created_at, Report.site_id, scope)
    opened = _by_day_and_site(session, ErrorGroup.first_seen, ErrorGroup.site_id, scope)
    fixed_at = ErrorGroup.status_changed_at
    seconds = _seconds_between(session, ErrorGroup.first_seen, fixed_at)
    fixes = session.execute(
        select(ErrorGroup.site_id, _day(session, fixed_at), seconds).where(
            ErrorGroup.status == Status.FIXED,
            fixed_at >= scope.start,
            fixed_at < scope.end,
            _in_sites(ErrorGroup.site_id, scope),
        )
    ).all()
    fixed: Counter[tuple[date, int]] = Counter()
    durations: dict[int, list[float]] = defaultdict(list)
    for site, day, value in fixes:
        fixed[(_as_date(day), int(site))] += 1
        # A clock step can put a fix before its first report; it took no time.
        durations[int(site)].append(max(float(value), 0.0))
    open_now = Counter(
        {
            int(site): int(n)
            for site, n in session.execute(
                select(ErrorGroup.site_id, func.count())
                .where(ErrorGroup.status == Status.OPEN, _in_sites(ErrorGroup.site_id, scope))
                .group_by(ErrorGroup.site_id)
            )
        }
    )
    per_site = {"reports": _per_site(reports), "opened": _per_site(opened)}
    sites = [
        SiteSummary(
            site_id=site_id,
            key=key,
            name=name,
            reports=per_site["reports"][site_id],
            opened=per_site["opened"][site_id],
            fixed=len(durations[site_id]),
            open_now=open_now[site_id],
            median_fix_seconds=median(durations[site_id]),
        )
        for site_id, key, name in session.execute(
            select(Site.id, Site.public_key, Site.name).where(_in_sites(Site.id, scope))
        )
    ]
    sites.sort(key=lambda summary: (-summary.reports, summary.name))
    return Trends(
        days=day_range(scope.first, scope.last),
        reports=_per_day(scope, reports),
        opened=_per_day(scope, opened),
        fixed=_per_day(scope, fixed),
        median_fix_seconds=median([value for values in durations.values() for value in values]),
        sites=sites,
        fixed_on_page=sum(
            fixed_by_checker(session.connection(), scope.sites, scope.start, scope.end).values()
        ),
    )


def page_counts(session: Session, scope: Scope) -> list[PageCount]:
    """Every page with misprints first reported in the scope, most misprints first."""
    rows = session.execute(
        select(
            ErrorGroup.site_id,
            func.min(ErrorGroup.url),
            func.max(ErrorGroup.title),
            func.count(),
            func.sum(ErrorGroup.report_count),
        )
        .where(
            ErrorGroup.first_seen >= scope.start,
            ErrorGroup.first_seen < scope.end,
            _in_sites(ErrorGroup.site_id, scope),
            ErrorGroup.status.in_(MISPRINT_STATUSES),
        )
        .group_by(ErrorGroup.site_id, ErrorGroup.url_hash)
    ).all()
    pages = [
        PageCount(site, url, title or "", int(n), int(total or 0))
        for site, url, title, n, total in rows
    ]
    pages.sort(key=lambda page: (-page.misprints, -page.reports, page.url))
    return pages


def section_counts(pages: list[PageCount], limit: int) -> list[tuple[str, int]]:
    """The `limit` URL sections (host plus first folder) with most misprints."""
    return top_sections(((page.url, page.misprints) for page in pages), limit)
