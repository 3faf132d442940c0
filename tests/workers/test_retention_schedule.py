"""The workers purge on their own: soon after they start, then once a day, without cron."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.workers import jobs
from corrigo.workers.jobs import RETENTION
from corrigo.workers.scheduler import JobContext, run_jobs, seconds
from tests.api.helpers import Report, post, report, rows
from tests.store.test_retention import _age
from tests.workers.receivers import wait_until


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

    def gone(report_id: int) -> None:
        wait_until(lambda: report_id not in _report_ids(settings), 10, f"report {report_id} purged")

    async def scenario() -> None:
        stop = asyncio.Event()
        often = replace(RETENTION, every=seconds(0.2), first=seconds(0))
        task = asyncio.create_task(run_jobs([often], JobContext(settings, engine), stop))
        await asyncio.to_thread(gone, first)
        assert await asyncio.to_thread(_report_ids, settings) == {second, kept}
        # A report that grows old later goes at the next round.
        await asyncio.to_thread(_age, settings, Report.__table__, 400, id=second)
        await asyncio.to_thread(gone, second)
        stop.set()
        await asyncio.wait_for(task, 5)

    try:
        asyncio.run(scenario())
    finally:
        engine.dispose()
    assert _report_ids(settings) == {kept}


@pytest.mark.parametrize("workers", [True, False], ids=["with-workers", "without-workers"])
def test_a_server_purges_soon_after_it_starts_when_it_runs_the_workers(
    quiet_client: TestClient,
    news_site: str,
    settings: Settings,
    make_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
    workers: bool,
) -> None:
    old = post(quiet_client, report("intergration")).json()["report_id"]
    fresh = post(quiet_client, report("implement")).json()["report_id"]
    _age(settings, Report.__table__, 3, id=fresh)  # its hash has outlived its salt
    _age(settings, Report.__table__, 400, id=old)
    soon = replace(RETENTION, first=seconds(0.3))
    monkeypatch.setattr(jobs, "JOBS", tuple(soon if j is RETENTION else j for j in jobs.JOBS))
    make_client(workers_in_process=workers)
    if workers:
        wait_until(lambda: _report_ids(settings) == {fresh}, 10, "the old report purged")
        wait_until(lambda: rows(settings, Report)[0].reader_hash == "", 10, "the hash blanked")
    else:
        time.sleep(0.8)
        assert _report_ids(settings) == {old, fresh}
        assert all(r.reader_hash for r in rows(settings, Report))
