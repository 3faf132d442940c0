"""Statistics on both databases: day series, medians, pages and sections, site scopes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from corrigo.store.models import Site
from corrigo.store.stats import Scope, last_days, section_counts, top_pages, trends
from tests.store.seeding import add_group, commit_with_rollups, two_sites

TODAY = date(2026, 3, 10)


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def sites(db_session: Session) -> tuple[Site, Site]:
    return two_sites(db_session)


def test_day_series_count_by_utc_day(db_session: Session, sites: tuple[Site, Site]) -> None:
    news, _sport = sites
    kyiv = timezone(timedelta(hours=2))
    # 00:30 in Kyiv on the 9th is 22:30 UTC on the 8th; the day edges are UTC midnight.
    add_group(db_session, news, "a", [datetime(2026, 3, 9, 0, 30, tzinfo=kyiv), at(9, 0, 0)])
    add_group(db_session, news, "b", [at(9, 23, 59), at(10, 0, 0), at(10, 23, 59)])
    add_group(db_session, news, "old", [at(1)])  # before the period
    commit_with_rollups(db_session)
    result = trends(db_session, last_days(None, 3, today=TODAY))
    assert result.days == [date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10)]
    assert result.reports == [1, 2, 2]
    assert result.opened == [1, 1, 0]
    assert result.fixed == [0, 0, 0]
    assert result.median_fix_seconds is None


def test_median_time_to_fix_overall_and_per_site(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, sport = sites
    start = at(5, 6)
    for index, hours in enumerate((1, 3, 10, 100)):
        add_group(
            db_session,
            news,
            f"n{index}",
            [start],
            status="fixed",
            changed_at=start + timedelta(hours=hours),
        )
    add_group(
        db_session, sport, "s", [start], status="fixed", changed_at=start + timedelta(hours=2)
    )
    # Fixed before the period: neither counted nor part of the median.
    add_group(db_session, sport, "x", [at(1)], status="fixed", changed_at=at(1, 20))
    # Rejected and open groups have no time to fix.
    add_group(db_session, news, "r", [start], status="rejected", changed_at=start)
    add_group(db_session, news, "o", [start, at(9)])
    commit_with_rollups(db_session)
    result = trends(db_session, last_days(None, 7, today=TODAY))
    assert result.median_fix_seconds == pytest.approx(3 * 3600)  # of 1, 2, 3, 10, 100 hours
    by_key = {summary.key: summary for summary in result.sites}
    assert by_key["news"].median_fix_seconds == pytest.approx(6.5 * 3600)  # (3 + 10) / 2
    assert by_key["news"].fixed == 4
    assert by_key["news"].open_now == 1
    assert by_key["news"].reports == 7
    assert by_key["news"].opened == 6
    assert by_key["sport"].median_fix_seconds == pytest.approx(2 * 3600)
    assert by_key["sport"].fixed == 1
    assert [summary.key for summary in result.sites] == ["news", "sport"]  # busiest first
    # Fixes land on the day they were made: four on the 5th (7:00, 8:00, 9:00, 16:00),
    # the 100-hour one on the 9th at 10:00. The period is the 4th to the 10th.
    assert result.fixed == [0, 4, 0, 0, 0, 1, 0]


def test_a_fix_recorded_before_the_first_report_took_no_time(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, _sport = sites
    add_group(db_session, news, "clock", [at(9, 12)], status="fixed", changed_at=at(9, 11))
    commit_with_rollups(db_session)
    assert trends(db_session, last_days(None, 3, today=TODAY)).median_fix_seconds == 0


def test_scope_limits_everything_to_its_sites(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, sport = sites
    add_group(db_session, news, "n", [at(9)], url="https://news.example/politics/a")
    add_group(
        db_session, sport, "s", [at(9), at(9)], status="fixed", changed_at=at(10),
        url="https://sport.example/football/b",
    )  # fmt: skip
    commit_with_rollups(db_session)
    only_news = Scope(sites=[news.id], first=date(2026, 3, 1), last=TODAY)
    result = trends(db_session, only_news)
    assert sum(result.reports) == 1
    assert sum(result.fixed) == 0
    assert [summary.key for summary in result.sites] == ["news"]
    assert [page.url for page in top_pages(db_session, only_news, 10)] == [
        "https://news.example/politics/a"
    ]
    nothing = Scope(sites=[], first=date(2026, 3, 1), last=TODAY)
    empty = trends(db_session, nothing)
    assert sum(empty.reports) == 0 and empty.sites == [] and empty.median_fix_seconds is None
    assert top_pages(db_session, nothing, 10) == []


def test_pages_and_sections_with_most_misprints(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, _sport = sites
    budget = "https://news.example/politics/2026/budget"
    bridge = "https://news.example/city/bridge"
    add_group(db_session, news, "a", [at(9)] * 3, url=budget, title="Budget")
    add_group(
        db_session, news, "b", [at(9)], url=budget, title="Budget", status="fixed", changed_at=at(9)
    )
    add_group(db_session, news, "c", [at(9)] * 2, url=bridge, title="Bridge")
    add_group(db_session, news, "d", [at(9)], url="https://news.example/city/park", title="Park")
    # Spam and "not an error" are not misprints; groups first seen before the period neither.
    add_group(db_session, news, "e", [at(9)] * 5, url=bridge, status="spam", changed_at=at(9))
    add_group(db_session, news, "f", [at(9)], url=bridge, status="rejected", changed_at=at(9))
    add_group(db_session, news, "g", [at(1)], url=bridge)
    commit_with_rollups(db_session)
    scope = last_days(None, 7, today=TODAY)
    pages = top_pages(db_session, scope, 10)
    assert [(page.url, page.title, page.misprints, page.reports) for page in pages] == [
        (budget, "Budget", 2, 4),
        (bridge, "Bridge", 1, 2),
        ("https://news.example/city/park", "Park", 1, 1),
    ]
    assert top_pages(db_session, scope, 1) == pages[:1]
    assert section_counts(db_session, scope, 5) == [
        ("news.example/city/", 2), ("news.example/politics/", 2)
    ]  # fmt: skip
    assert section_counts(db_session, scope, 1) == [("news.example/city/", 2)]
