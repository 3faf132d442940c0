"""The workers purge on their own: soon after they start, then once a day, without cron."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.workers import retention
from corrigo.workers.retention import purge_daily
from tests.api.helpers import Report, post, report, rows
from tests.store.test_retention import _age


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _report_ids(settings: Settings) -> set[int]:
    return {r.id for r in rows(settings, Report)}


@pytest.fixture
def quiet_client(make_client: Callable[..., TestClient]) -> TestClient:
    """An app without workers, so that no purge but the test's own runs."""
    return make_client(workers_in_process=False)


def test_purge_runs_at_once_then_again_every_period(
    quiet_client: TestClient, news_site: str, settings: Settings
) -> None:
    first = post(quiet_client, report("intergration")).json()["report_id"]
    second = post(quiet_client, report("implement")).json()["report_id"]
    kept = post(quiet_client, report("Officials")).json()["report_id"]
    _age(settings, Report.__table__, 400, id=first)
    engine = make_engine(settings.resolved_database_url)

    async def scenario() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(purge_daily(engine, 365, stop, every=0.2, first=0))
        for _ in range(100):
            if first not in await asyncio.to_thread(_report_ids, settings):
                break
            await asyncio.sleep(0.05)
        assert await asyncio.to_thread(_report_ids, settings) == {second, kept}
        # A report that grows old later goes at the next round.
        await asyncio.to_thread(_age, settings, Report.__table__, 400, id=second)
        for _ in range(100):
            if second not in await asyncio.to_thread(_report_ids, settings):
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 5)

    try:
        asyncio.run(scenario())
    finally:
        engine.dispose()
    assert _report_ids(settings) == {kept}


def test_a_server_with_workers_purges_soon_after_it_starts(
    quiet_client: TestClient,
    news_site: str,
    settings: Settings,
    make_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = post(quiet_client, report("intergration")).json()
    fresh = post(quiet_client, report("implement")).json()
    _age(settings, Report.__table__, 3, id=fresh["report_id"])  # hash older than its salt
    _age(settings, Report.__table__, 400, id=old["report_id"])
    monkeypatch.setattr(retention, "FIRST_PURGE_SECONDS", 0.3)
    make_client(workers_in_process=True)
    assert _wait_for(lambda: _report_ids(settings) == {fresh["report_id"]})
    assert _wait_for(lambda: rows(settings, Report)[0].reader_hash == "")


def test_a_server_without_workers_leaves_reports_alone(
    quiet_client: TestClient,
    news_site: str,
    settings: Settings,
    make_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = post(quiet_client, report("intergration")).json()
    _age(settings, Report.__table__, 400, id=old["report_id"])
    monkeypatch.setattr(retention, "FIRST_PURGE_SECONDS", 0)
    make_client(workers_in_process=False)
    time.sleep(0.5)
    assert _report_ids(settings) == {old["report_id"]}
