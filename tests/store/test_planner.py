"""Planner statistics: SQLite sampled when the server starts, PostgreSQL's ingest tables
analysed as soon as they have grown, but not again within a minute unless they have grown
a lot."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool
from starlette.testclient import TestClient

from corrigo.config import load_settings
from corrigo.domain.report import QuoteIn, ReportIn, validate
from corrigo.http.app import create_app
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.ingest import ReportJob, store_reports
from corrigo.store.planner import refresh_statistics
from tests.conftest import SECRET
from tests.store.seeding import add_group, two_sites


def _sampled_tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar_one()
            if not exists:
                return set()
            return {row[0] for row in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}
    finally:
        engine.dispose()


def test_the_server_samples_statistics_at_start(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url)
    with make_sessionmaker(engine)() as session:
        news, _sport = two_sites(session)
        add_group(session, news, "typo", [datetime(2026, 3, 1, tzinfo=UTC)] * 3)
        session.commit()
    engine.dispose()
    assert _sampled_tables(sqlite_url) == set()
    settings = load_settings(
        database_url=sqlite_url, data_dir=tmp_path, secret_key=SECRET, workers_in_process=False
    )
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 10
        while not _sampled_tables(sqlite_url) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert {"groups", "reports", "sites"} <= _sampled_tables(sqlite_url)


def _planner_site(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        site = create_site(session, "Planner News", ["https://news.example"], "en", "plan-key")
        session.commit()
        return site.id


def _store_reports(engine: Engine, site_id: int, count: int, first: int = 0) -> None:
    """`count` reports from number `first` on, each of its own misprint on its own page."""
    now = datetime.now(UTC)
    jobs = [
        ReportJob(
            site_id,
            validate(
                ReportIn(
                    site="plan-key",
                    url=f"https://news.example/story-{i}",
                    quote=QuoteIn(exact=f"misprint{i}"),
                    client_id=f"client-{i:06d}",
                )
            ),
            "r" * 32,
            now,
        )
        for i in range(first, first + count)
    ]
    with engine.begin() as conn:
        store_reports(conn, jobs, 5)


def test_statistics_follow_the_ingest(database_url: str) -> None:
    engine = make_engine(database_url)
    _store_reports(engine, _planner_site(engine), 800)
    if engine.dialect.name == "sqlite":
        assert refresh_statistics(engine) == ["*"]
        with engine.connect() as conn:
            analysed = conn.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
            assert {"reports", "groups", "outbox"} <= set(analysed)
        engine.dispose()
        return

    # PostgreSQL publishes the counts of changed rows within about a second, table by
    # table: a look may find one table's changes before another's, and a later look the rest.
    deadline = time.monotonic() + 10
    analysed: set[str] = set()
    while analysed != {"groups", "outbox", "reports"} and time.monotonic() < deadline:
        analysed |= set(refresh_statistics(engine))
        time.sleep(0.2)
    assert analysed == {"groups", "outbox", "reports"}
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT relname, n_live_tup > 0 FROM pg_stat_user_tables "
                "WHERE relname IN ('reports', 'groups', 'outbox') AND last_analyze IS NOT NULL"
            )
        ).all()
        assert sorted(rows) == [("groups", True), ("outbox", True), ("reports", True)]
        # With statistics the batch lookup of client_ids uses their unique index.
        plan = conn.execute(
            text(
                "EXPLAIN SELECT client_id FROM reports "
                "WHERE site_id = 1 AND client_id IN ('client-000001', 'client-000002')"
            )
        ).scalars()
        assert "uq_reports_site_id" in " ".join(plan)
    assert refresh_statistics(engine) == []  # nothing has changed since
    engine.dispose()


def _changes_seen(engine: Engine, table: str) -> int:
    """`table`'s changes since its last analysis, as PostgreSQL publishes them."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = :t"),
                {"t": table},
            ).scalar_one()
        )


def _wait_for_changes(engine: Engine, table: str, count: int, at_least: bool = False) -> None:
    """Wait until PostgreSQL publishes `count` changes of `table` (within about a second)."""
    deadline = time.monotonic() + 10
    while _changes_seen(engine, table) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    seen = _changes_seen(engine, table)
    assert seen >= count if at_least else seen == count


def test_a_table_just_analysed_waits_unless_it_has_grown_a_lot(database_url: str) -> None:
    engine = make_engine(database_url)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        pytest.skip("SQLite's statistics are sampled on a schedule, not on changes")
    site_id = _planner_site(engine)
    # Rows are written on connections that close at once: a backend publishes its counts of
    # changed rows when it ends, where an idle pooled one may hold them back for seconds and
    # publish them after an analysis, as changes made since.
    writes = create_engine(database_url, poolclass=NullPool)
    _store_reports(writes, site_id, 1000)
    _wait_for_changes(engine, "reports", 1000, at_least=True)
    deadline = time.monotonic() + 10
    while "reports" not in refresh_statistics(engine) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _changes_seen(engine, "reports") == 0  # analysed

    # A further tenth and more (600 of 1,600 rows) right after: it waits for the minute.
    _store_reports(writes, site_id, 600, first=1000)
    _wait_for_changes(engine, "reports", 600)
    assert "reports" not in refresh_statistics(engine)
    assert _changes_seen(engine, "reports") == 600
    # Grown by more than half since (1,600 of 2,600 rows changed): analysed anyway.
    _store_reports(writes, site_id, 1000, first=1600)
    _wait_for_changes(engine, "reports", 1600)
    assert "reports" in refresh_statistics(engine)
    assert _changes_seen(engine, "reports") == 0

    # A tenth again (600 of 3,200): waits while the last analysis is recent, and is
    # analysed once it is as old as the pause.
    _store_reports(writes, site_id, 600, first=2600)
    _wait_for_changes(engine, "reports", 600)
    assert "reports" not in refresh_statistics(engine)
    assert "reports" in refresh_statistics(engine, reanalyse_after=0.0)
    assert _changes_seen(engine, "reports") == 0
    writes.dispose()
    engine.dispose()
