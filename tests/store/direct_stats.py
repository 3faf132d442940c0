"""The statistics computed straight from the groups and reports, as the page did before rollups.

The rollup tests compare `corrigo.store.stats` with this on the same data; it
is the definition of every figure, kept apart from the product because it reads
every report of the period (seconds at a million reports).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Status
from corrigo.domain.trends import median, section_of, top_counts
from corrigo.store.models import ErrorGroup, Report
from corrigo.store.rollups import MISPRINT_STATUSES
from corrigo.store.stats import PageCount, Scope, Tally, Trends, assemble


def _in_sites(column: Any, scope: Scope) -> Any:
    return column.in_(list(scope.sites)) if scope.sites is not None else column.is_not(None)


def _day(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.substr(column, 1, 10)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _by_day_and_site(
    session: Session, column: Any, site_column: Any, scope: Scope
) -> Counter[tuple[date, int]]:
    day = _day(session, column)
    rows = session.execute(
        select(day, site_column, func.count())
        .where(column >= scope.start, column < scope.end, _in_sites(site_column, scope))
        .group_by(day, site_column)
    ).all()
    return Counter({(_as_date(d), int(site)): int(n) for d, site, n in rows})


def trends(session: Session, scope: Scope) -> Trends:
    """What `corrigo.store.stats.trends` must answer, from every row of the period.

    The counts and the fixes are read from the groups and reports; what both
    ways count live (open groups, the checker's fixes) is shared.
    """
    reports = _by_day_and_site(session, Report.created_at, Report.site_id, scope)
    opened = _by_day_and_site(session, ErrorGroup.first_seen, ErrorGroup.site_id, scope)
    fixed_at = ErrorGroup.status_changed_at
    fixes = session.execute(
        select(ErrorGroup.site_id, ErrorGroup.first_seen, fixed_at).where(
            ErrorGroup.status == Status.FIXED,
            fixed_at >= scope.start,
            fixed_at < scope.end,
            _in_sites(ErrorGroup.site_id, scope),
        )
    ).all()
    fixed: Counter[tuple[date, int]] = Counter()
    durations: dict[int | None, list[float]] = defaultdict(list)
    for site, first_seen, changed in fixes:
        fixed[(changed.date(), int(site))] += 1
        seconds = max((changed - first_seen).total_seconds(), 0.0)
        durations[int(site)].append(seconds)
        durations[None].append(seconds)
    medians = {site: median(values) for site, values in durations.items()}
    tally = Tally()
    for name, counts in (("reports", reports), ("opened", opened), ("fixed", fixed)):
        for (day, site), n in counts.items():
            tally.per_day[name][day] += n
            tally.per_site[name][site] += n
    return assemble(session, scope, tally, medians)


def pages(session: Session, scope: Scope) -> list[PageCount]:
    """Every page with misprints first reported in the scope, in the page's order."""
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
    found = [
        PageCount(site, url, title or "", int(n), int(total)) for site, url, title, n, total in rows
    ]
    found.sort(key=lambda page: (-page.misprints, -page.reports, page.url))
    return found


def sections(found: list[PageCount], limit: int) -> list[tuple[str, int]]:
    """The sections with most misprints, folded from every page."""
    totals: Counter[str] = Counter()
    for page in found:
        totals[section_of(page.url)] += page.misprints
    return top_counts(totals, limit)
