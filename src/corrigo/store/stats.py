"""Read-only statistics for the dashboard: reports per day, misprints reported and fixed,
time to fix, the pages and sections with most misprints, per site.

Everything is computed for a :class:`Scope` (which sites, which days) from the
daily rollups that the writers keep current (`corrigo.store.rollups`), so a year
of a million reports is a few thousand rows per site and day, one row per fix
and one per page and day; only the open groups and the checker's fixes are
counted from their own indexes. The per-day series and the per-site table come
from the same rows. The arithmetic on the results (filling empty days, medians)
lives in :mod:`corrigo.domain.trends`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import SQLCoreOperations

from corrigo.domain.lifecycle import Status
from corrigo.domain.trends import day_range, fill_days, middle, top_counts
from corrigo.store.checks import fixed_by_checker
from corrigo.store.models import (
    ErrorGroup,
    Site,
    StatsDay,
    StatsFix,
    StatsPage,
    StatsSection,
    table_of,
)
from corrigo.store.rollups import MISPRINT_STATUSES

DAYS, FIXES = table_of(StatsDay), table_of(StatsFix)
PAGES, SECTIONS = table_of(StatsPage), table_of(StatsSection)


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


def _in_sites(column: SQLCoreOperations[int], scope: Scope) -> ColumnElement[bool]:
    if scope.sites is None:
        return true()
    if not scope.sites:
        return false()
    return column.in_(list(scope.sites))


def _in_scope(table: Any, scope: Scope) -> list[ColumnElement[bool]]:
    """A rollup table's rows of the scope's days and sites."""
    return [
        table.c.day >= scope.first,
        table.c.day <= scope.last,
        _in_sites(table.c.site_id, scope),
    ]


@dataclass(slots=True)
class Tally:
    """Counts of the period per day and per site, by what they count."""

    per_day: dict[str, Counter[date]] = field(default_factory=lambda: defaultdict(Counter))
    per_site: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))


def _tally(session: Session, scope: Scope, tally: Tally, table: Any, **counts: Any) -> None:
    """Sum a rollup's `counts` (name → SQL) over the scope, per day and per site, in SQL."""
    for key, into in ((table.c.day, tally.per_day), (table.c.site_id, tally.per_site)):
        query = select(key, *counts.values()).where(*_in_scope(table, scope)).group_by(key)
        for row in session.execute(query):
            for name, value in zip(counts, row[1:], strict=True):
                into[name][row[0]] += int(value)


def trends(session: Session, scope: Scope) -> Trends:
    """Reports, reported and fixed misprints per day, time to fix, and per-site figures.

    Read from the daily rollups (`corrigo.store.rollups`), summed in SQL per day and
    per site; the fixes counted per site and bucket of their duration, and then only
    the values of the buckets that hold the medians.
    """
    tally = Tally()
    days = {"reports": func.sum(DAYS.c.reports), "opened": func.sum(DAYS.c.opened)}
    _tally(session, scope, tally, DAYS, **days)
    _tally(session, scope, tally, FIXES, fixed=func.count())
    return assemble(session, scope, tally, _medians(session, scope))


def _medians(session: Session, scope: Scope) -> dict[int | None, float | None]:
    """Median seconds to fix per site, and over all the scope's sites (key None)."""
    per_bucket = (FIXES.c.site_id, FIXES.c.bucket)
    counts: dict[int | None, Counter[int]] = defaultdict(Counter)
    for site, bucket, n in session.execute(
        select(*per_bucket, func.count()).where(*_in_scope(FIXES, scope)).group_by(*per_bucket)
    ):
        counts[site][bucket] += n
        counts[None][bucket] += n
    places = {site: middle(buckets) for site, buckets in counts.items()}
    wanted = {(site, bucket) for site, found in places.items() for bucket, _index in found}
    if not wanted:
        return {}
    sites = sorted(site for site in counts if site is not None)
    values: dict[int | None, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for site, bucket, seconds in session.execute(
        select(*per_bucket, FIXES.c.seconds).where(
            *_in_scope(FIXES, scope),
            or_(
                *(
                    # Each site's index range of the bucket (the index leads with the site).
                    and_(
                        FIXES.c.site_id.in_(sites) if site is None else FIXES.c.site_id == site,
                        FIXES.c.bucket == bucket,
                    )
                    for site, bucket in wanted
                )
            ),
        )
    ):
        if (site, bucket) in wanted:
            values[site][bucket].append(seconds)
        if (None, bucket) in wanted:
            values[None][bucket].append(seconds)
    medians: dict[int | None, float | None] = {}
    for site, found in places.items():
        middle_values = [sorted(values[site][bucket])[index] for bucket, index in found]
        medians[site] = sum(middle_values) / len(middle_values)
    return medians


def assemble(
    session: Session, scope: Scope, tally: Tally, medians: Mapping[int | None, float | None]
) -> Trends:
    """The figures from the period's counts and its medians (per site; None: all sites).

    Adds what is counted live: the open groups, the checker's fixes, the sites' names.
    """
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
    per_site = tally.per_site
    sites = [
        SiteSummary(
            site_id=site_id,
            key=key,
            name=name,
            reports=per_site["reports"][site_id],
            opened=per_site["opened"][site_id],
            fixed=per_site["fixed"][site_id],
            open_now=open_now[site_id],
            median_fix_seconds=medians.get(site_id),
        )
        for site_id, key, name in session.execute(
            select(Site.id, Site.public_key, Site.name).where(_in_sites(Site.id, scope))
        )
    ]
    sites.sort(key=lambda summary: (-summary.reports, summary.name))
    return Trends(
        days=day_range(scope.first, scope.last),
        reports=fill_days(scope.first, scope.last, tally.per_day["reports"]),
        opened=fill_days(scope.first, scope.last, tally.per_day["opened"]),
        fixed=fill_days(scope.first, scope.last, tally.per_day["fixed"]),
        median_fix_seconds=medians.get(None),
        sites=sites,
        fixed_on_page=sum(
            fixed_by_checker(session.connection(), scope.sites, scope.start, scope.end).values()
        ),
    )


def top_pages(session: Session, scope: Scope, limit: int) -> list[PageCount]:
    """The `limit` pages with most misprints first reported in the scope.

    Ties go to the page with more reports, then to the address in code-point
    order (PostgreSQL is asked for its "C" collation, SQLite's is that already).
    """
    misprints, reports = func.sum(PAGES.c.misprints), func.sum(PAGES.c.reports)
    url: ColumnElement[str] = func.min(PAGES.c.url)
    if session.get_bind().dialect.name == "postgresql":
        url = url.collate("C")
    rows = session.execute(
        select(PAGES.c.site_id, PAGES.c.url_hash, url, misprints, reports)
        .where(*_in_scope(PAGES, scope))
        .group_by(PAGES.c.site_id, PAGES.c.url_hash)
        .having(misprints > 0)
        .order_by(misprints.desc(), reports.desc(), url)
        .limit(limit)
    ).all()
    if not rows:
        return []
    # The title shown is the latest any of the page's misprints of the period carries.
    titles = {
        (site, page): title
        for site, page, title in session.execute(
            select(ErrorGroup.site_id, ErrorGroup.url_hash, func.max(ErrorGroup.title))
            .where(
                or_(
                    *(
                        and_(ErrorGroup.site_id == site, ErrorGroup.url_hash == page)
                        for site, page, *_rest in rows
                    )
                ),
                ErrorGroup.first_seen >= scope.start,
                ErrorGroup.first_seen < scope.end,
                ErrorGroup.status.in_(MISPRINT_STATUSES),
            )
            .group_by(ErrorGroup.site_id, ErrorGroup.url_hash)
        )
    }
    return [
        PageCount(site, address, titles.get((site, page)) or "", int(n), int(total))
        for site, page, address, n, total in rows
    ]


def section_counts(session: Session, scope: Scope, limit: int) -> list[tuple[str, int]]:
    """The `limit` URL sections (host plus first folder) with most misprints."""
    misprints = func.sum(SECTIONS.c.misprints)
    rows = session.execute(
        select(SECTIONS.c.section, misprints)
        .where(*_in_scope(SECTIONS, scope))
        .group_by(SECTIONS.c.section)
        .having(misprints > 0)  # a section whose misprints were all rejected later
    )
    return top_counts(Counter({section: int(n) for section, n in rows}), limit)
