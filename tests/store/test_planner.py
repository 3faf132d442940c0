"""Planner statistics: SQLite sampled when the server starts, PostgreSQL's ingest tables
analysed as soon as they have grown."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text
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


def _store_reports(engine: Engine, count: int) -> None:
    """`count` reports, each of its own misprint on its own page."""
    with make_sessionmaker(engine)() as session:
        site = create_site(session, "Planner News", ["https://news.example"], "en", "plan-key")
        session.commit()
        site_id = site.id
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
        for i in range(count)
    ]
    with engine.begin() as conn:
        store_reports(conn, jobs, 5)


def test_statistics_follow_the_ingest(database_url: str) -> None:
    engine = make_engine(database_url)
    _store_reports(engine, 800)
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
