"""The statistics page: trends of reports and fixes, drawn as server-side SVG charts.

Everything is limited to the sites the editor may see; asking for another
site's figures answers 404, as for every other dashboard page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.domain.trends import duration_parts, rebucket
from corrigo.http.dashboard.auth import EditorContext, render, require_editor
from corrigo.http.dashboard.charts import Series, bar_chart, hbar_chart, line_chart
from corrigo.http.dashboard.templating import gettext_for, request_lang
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.store import stats
from corrigo.store.models import Site
from corrigo.store.sites import sites_of

PERIODS = (30, 90, 365)
DEFAULT_PERIOD = 30
# Longer periods are drawn per week, so a year is 53 readable points instead of 365.
WEEKLY_FROM = 120
TOP = 10


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the page shows, read in one go."""

    trends: stats.Trends
    pages: list[stats.PageCount]
    sections: list[tuple[str, int]]


def chosen_period(raw: str | None) -> int:
    """The period in days from the query string (unknown values fall back to the default)."""
    return int(raw) if raw in {str(p) for p in PERIODS} else DEFAULT_PERIOD


def chosen_site(key: str | None, visible: list[Site]) -> Site | None:
    """The site asked for by public key, or None for all; 404 for a site the editor may not see."""
    if not key:
        return None
    for site in visible:
        if site.public_key == key:
            return site
    raise HTTPException(404)


def load_figures(request: Request, ctx: EditorContext, site: int | None, period: int) -> Figures:
    """Read the figures (blocking: run in a thread)."""
    scope = stats.last_days([site] if site is not None else ctx.site_ids, period)
    with state_of(request).sessions() as session:
        return Figures(
            trends=stats.trends(session, scope),
            pages=stats.top_pages(session, scope, TOP),
            sections=stats.section_counts(session, scope, TOP),
        )


def _duration_text(request: Request, seconds: float | None) -> str:
    _ = gettext_for(request)
    if seconds is None:
        return "—"
    amount, unit = duration_parts(seconds)
    words = {"minutes": _("{n} min"), "hours": _("{n} h"), "days": _("{n} days")}
    return words[unit].format(n=amount)


@dataclass(frozen=True, slots=True)
class Timeline:
    """The day series summed per day or per week, with a label per point."""

    weekly: bool
    labels: list[str]
    reports: list[int]
    opened: list[int]
    fixed: list[int]

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(label, reports, reported, fixed) per point, for the data table."""
        return list(zip(self.labels, self.reports, self.opened, self.fixed, strict=True))


def timeline(trends: stats.Trends, period: int, lang: str) -> Timeline:
    """Bucket the day series: per day for short periods, per week from WEEKLY_FROM days."""
    size = 7 if period >= WEEKLY_FROM else 1
    starts, reports = rebucket(trends.days[0], trends.reports, size)
    return Timeline(
        weekly=size == 7,
        labels=[format_date(day, "d MMM", locale=lang) for day in starts],
        reports=reports,
        opened=rebucket(trends.days[0], trends.opened, size)[1],
        fixed=rebucket(trends.days[0], trends.fixed, size)[1],
    )


def charts(request: Request, figures: Figures, line: Timeline) -> dict[str, Markup]:
    """The page's SVG charts, with translated titles and descriptions."""
    _ = gettext_for(request)
    labels, reports, opened, fixed = line.labels, line.reports, line.opened, line.fixed
    per = _("per week") if line.weekly else _("per day")
    result = {
        "reports": bar_chart(
            "chart-reports",
            _("Reports {per}").format(per=per),
            _("{total} reports from {first} to {last}; busiest: {peak}.").format(
                total=sum(reports), first=labels[0], last=labels[-1], peak=max(reports)
            ),
            labels,
            reports,
            y_label=_("Reports"),
            empty=_("No reports in this period"),
        ),
        "trend": line_chart(
            "chart-trend",
            _("Misprints reported and fixed {per}").format(per=per),
            _("{opened} misprints reported and {fixed} fixed in the period.").format(
                opened=sum(opened), fixed=sum(fixed)
            ),
            labels,
            [Series(_("Reported"), opened), Series(_("Fixed"), fixed)],
            y_label=_("Misprints"),
            empty=_("No misprints in this period"),
        ),
        "pages": hbar_chart(
            "chart-pages",
            _("Pages with most misprints"),
            _("The {n} pages with most misprints first reported in the period.").format(
                n=len(figures.pages)
            ),
            [page.title or page.url for page in figures.pages],
            [page.misprints for page in figures.pages],
            empty=_("No misprints in this period"),
        ),
        "sections": hbar_chart(
            "chart-sections",
            _("Sections with most misprints"),
            _("Misprints per site section (first folder of the address)."),
            [name for name, _count in figures.sections],
            [count for _name, count in figures.sections],
            empty=_("No misprints in this period"),
        ),
    }
    sites = figures.trends.sites
    if len(sites) > 1:
        result["sites"] = hbar_chart(
            "chart-sites",
            _("Reports per site"),
            _("Reports received by each site in the period."),
            [site.name for site in sites],
            [site.reports for site in sites],
            empty=_("No reports in this period"),
        )
    return result


async def stats_page(request: Request) -> Response:
    """``GET /dashboard/stats?site=KEY&days=30|90|365``."""
    ctx = await require_editor(request)
    sites = await in_session(request, lambda session: sites_of(session, ctx.site_ids))
    site = chosen_site(request.query_params.get("site"), sites)
    period = chosen_period(request.query_params.get("days"))
    figures = await run_in_threadpool(load_figures, request, ctx, site.id if site else None, period)
    trends = figures.trends
    line = timeline(trends, period, request_lang(request))
    context: dict[str, Any] = {
        "sites": sites,
        "site": site.public_key if site else "",
        "period": period,
        "periods": PERIODS,
        "figures": figures,
        "totals": {
            "reports": sum(trends.reports),
            "opened": sum(trends.opened),
            "fixed": sum(trends.fixed),
            "fixed_on_page": trends.fixed_on_page,
            "open_now": sum(summary.open_now for summary in trends.sites),
            "median_fix": _duration_text(request, trends.median_fix_seconds),
        },
        "site_medians": {
            summary.site_id: _duration_text(request, summary.median_fix_seconds)
            for summary in trends.sites
        },
        "timeline": line,
        "charts": charts(request, figures, line),
    }
    return render(request, "stats.html", context)


routes = [Route("/dashboard/stats", stats_page, methods=["GET"])]
