"""The statistics' rollups agree with a direct count over the groups and reports.

Generated traffic goes through every writer the rollups follow (the ingest's
batches, editors' decisions, the page checker's fixes, retention) on both
databases, with reports on either side of UTC midnight; then every period and
site choice of the statistics page is compared with `tests.store.direct_stats`,
and the rollups kept up to date with the ones :func:`rebuild` and migration 0008
compute afresh.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, select

from corrigo.domain.report import decode, validate
from corrigo.store.admin import create_site
from corrigo.store.checks import CheckResult, ClaimedPage, GroupToCheck, check_soon, record_results
from corrigo.store.db import alembic_config, make_engine, make_sessionmaker, upgrade
from corrigo.store.ingest import ReportJob, store_reports
from corrigo.store.models import ErrorGroup, StatsDay, StatsFix, StatsPage, StatsSection
from corrigo.store.retention import purge
from corrigo.store.rollups import rebuild
from corrigo.store.stats import Scope, section_counts, top_pages, trends
from corrigo.store.triage import Decision, decide
from tests.store import direct_stats

TODAY = date(2026, 3, 10)
NOON = datetime.combine(TODAY, time(12), tzinfo=UTC)
SECTIONS = ("politics", "sport", "")


def _job(rng: random.Random, key: str, site_id: int, received_at: datetime) -> ReportJob:
    section = rng.choice(SECTIONS)
    page = rng.randrange(6)
    word = rng.choice(["teh", "recieve", "adress", "occured", "seperate", "goverment"])
    position = rng.randrange(5) * 100
    body = {
        "site": key,
        "url": f"https://{key}.example/{section}{'/' if section else ''}page-{page}",
        "title": rng.choice(["", f"Page {page}", f"Page {page}, updated"]),
        "lang": "en",
        "client_id": f"c{rng.getrandbits(48):012x}",
        "quote": {"exact": word, "prefix": f"before {position} ", "suffix": f" after {page}"},
        "position": {"start": position, "end": position + len(word)},
    }
    return ReportJob(site_id, validate(decode(json.dumps(body).encode())), "", received_at)


def _moments(rng: random.Random, count: int) -> list[datetime]:
    """Times over the last 100 days, a quarter of them within a second of UTC midnight."""
    moments = []
    for _ in range(count):
        day = datetime.combine(TODAY - timedelta(days=rng.randrange(100)), time(), tzinfo=UTC)
        if rng.random() < 0.25:
            moments.append(day + timedelta(microseconds=rng.choice([0, 1, -1, 999_999, -999_999])))
        else:
            moments.append(day + timedelta(seconds=rng.uniform(0, 86_400)))
    return sorted(moments)


def _traffic(engine: Engine) -> list[int]:
    """Three sites' reports, decisions, checker fixes, reopenings and a purge; the site ids."""
    rng = random.Random(13)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        sites = [
            (create_site(session, key, [f"https://{key}.example"], "en", key).id, key)
            for key in ("news", "sport", "local")
        ]
        session.commit()
    moments = _moments(rng, 900)
    for start in range(0, len(moments), 60):
        batch = []
        for at in moments[start : start + 60]:
            site_id, key = rng.choice(sites)
            batch.append(_job(rng, key, site_id, at))
        with engine.begin() as conn:
            store_reports(conn, batch, threshold=3)
        now = moments[min(start + 59, len(moments) - 1)]
        with sessions() as session:
            ids = list(session.execute(select(ErrorGroup.id).order_by(ErrorGroup.id)).scalars())
            for action in ("fixed", "fixed", "reject", "spam", "reopen"):
                chosen = rng.sample(ids, min(3, len(ids)))
                decide(session, None, chosen, Decision(action), None, now + timedelta(hours=1))
            session.commit()
        _checker_fixes(engine, rng, now + timedelta(hours=2))
    with engine.begin() as conn:
        purge(conn, retention_days=60, now=NOON)
    return [site_id for site_id, _key in sites]


def _checker_fixes(engine: Engine, rng: random.Random, now: datetime) -> None:
    """The page checker finds two open groups corrected on their pages."""
    with engine.begin() as conn:
        open_groups = conn.execute(
            select(ErrorGroup.id, ErrorGroup.site_id, ErrorGroup.exact).where(
                ErrorGroup.status == "open"
            )
        ).all()
        for group_id, site_id, exact in rng.sample(open_groups, min(2, len(open_groups))):
            check_soon(conn, [group_id], now)
            page = ClaimedPage(0, site_id, "", "", "", None, [], None)
            page.groups.append(GroupToCheck(group_id, "open", False, exact, "", "", None))
            record_results(conn, page, [CheckResult(group_id, "corrected", "fixed")], now)


def _rollups(engine: Engine) -> dict[str, set[tuple[Any, ...]]]:
    """Every rollup row that counts something."""
    tables = {
        "days": (StatsDay.__table__, ("reports", "opened")),
        "pages": (StatsPage.__table__, ("misprints", "reports")),
        "sections": (StatsSection.__table__, ("misprints",)),
        "fixes": (StatsFix.__table__, ("seconds",)),
    }
    found: dict[str, set[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name, (table, counts) in tables.items():
            rows = conn.execute(select(table)).mappings()
            found[name] = {
                tuple(row.values()) for row in rows if any(row[column] for column in counts)
            }
    return found


def _assert_same_trends(mine: Any, direct: Any) -> None:
    assert (mine.days, mine.reports, mine.opened, mine.fixed) == (
        direct.days,
        direct.reports,
        direct.opened,
        direct.fixed,
    )
    assert mine.fixed_on_page == direct.fixed_on_page
    assert mine.median_fix_seconds == pytest.approx(direct.median_fix_seconds, abs=1e-6)
    assert [(s.key, s.reports, s.opened, s.fixed, s.open_now) for s in mine.sites] == [
        (s.key, s.reports, s.opened, s.fixed, s.open_now) for s in direct.sites
    ]
    for one, other in zip(mine.sites, direct.sites, strict=True):
        assert one.median_fix_seconds == pytest.approx(other.median_fix_seconds, abs=1e-6)


def test_rollups_agree_with_a_direct_count(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        news, sport, local = _traffic(engine)
        with make_sessionmaker(engine)() as session:
            checked = 0
            for days in (1, 7, 30, 90, 365):
                for sites in (None, [news], [sport, local], []):
                    scope = Scope(sites, TODAY - timedelta(days=days - 1), TODAY)
                    _assert_same_trends(trends(session, scope), direct_stats.trends(session, scope))
                    every_page = direct_stats.pages(session, scope)
                    assert top_pages(session, scope, 10) == every_page[:10]
                    assert section_counts(session, scope, 10) == direct_stats.sections(
                        every_page, 10
                    )
                    checked += len(every_page)
            assert checked > 100  # the comparison saw pages, not only empty periods
            year = Scope(None, TODAY - timedelta(days=364), TODAY)
            direct = direct_stats.trends(session, year)
            # Every writer was exercised: reports, fixes by editors and by the checker, purges.
            assert sum(direct.reports) > 500 and sum(direct.fixed) > 10
            assert direct.fixed_on_page > 0 and direct.median_fix_seconds
        kept = _rollups(engine)
        with engine.begin() as conn:
            rebuild(conn)
        assert _rollups(engine) == kept
    finally:
        engine.dispose()


def test_the_migration_counts_an_existing_store_as_the_writers_do(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        _traffic(engine)
        kept = _rollups(engine)
        command.downgrade(alembic_config(database_url), "0007")
        upgrade(database_url)
        assert _rollups(engine) == kept
    finally:
        engine.dispose()
