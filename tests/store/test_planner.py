"""SQLite's planner gets table statistics when the server starts (PostgreSQL keeps its own)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from starlette.testclient import TestClient

from corrigo.config import load_settings
from corrigo.http.app import create_app
from corrigo.store.db import make_engine, make_sessionmaker
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
