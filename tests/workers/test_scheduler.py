"""The one scheduler: each job on its own interval, failures logged and retried, a prompt stop."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import Engine

from corrigo.store.db import make_engine
from corrigo.workers.jobs import JOBS, jobs_for
from corrigo.workers.scheduler import Job, JobContext, run_jobs, seconds
from tests.conftest import settings_for


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[JobContext]:
    """A context on an (unused) SQLite file."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    engine: Engine = make_engine(url)
    yield JobContext(settings_for(tmp_path / "data", url), engine)
    engine.dispose()


def _run_until(jobs: list[Job], ctx: JobContext, done: threading.Event, limit: float = 10) -> float:
    """Run the jobs until `done` is set (or `limit` seconds); return how long stopping took."""

    async def scenario() -> float:
        stop = asyncio.Event()
        task = asyncio.create_task(run_jobs(jobs, ctx, stop))
        await asyncio.to_thread(done.wait, limit)
        stop.set()
        started = time.monotonic()
        await asyncio.wait_for(task, 5)
        return time.monotonic() - started

    return asyncio.run(scenario())


def test_each_job_runs_first_then_on_its_interval(ctx: JobContext) -> None:
    runs: list[float] = []
    done = threading.Event()
    started = time.monotonic()

    def tick(_ctx: JobContext) -> None:
        runs.append(time.monotonic() - started)
        if len(runs) == 3:
            done.set()

    job = Job("tick", "workers", every=seconds(0.1), first=seconds(0.2), run=tick)
    _run_until([job], ctx, done)
    assert len(runs) >= 3
    assert runs[0] >= 0.2
    assert all(later - earlier >= 0.09 for earlier, later in pairwise(runs))


def test_a_failing_job_is_logged_and_runs_again_and_others_go_on(
    ctx: JobContext, caplog: pytest.LogCaptureFixture
) -> None:
    failures: list[int] = []
    fine: list[int] = []
    done = threading.Event()

    def broken(_ctx: JobContext) -> None:
        failures.append(1)
        raise RuntimeError("the database is restarting")

    def healthy(_ctx: JobContext) -> str:
        fine.append(1)
        if len(failures) >= 2 and fine:
            done.set()
        return "all well"

    jobs = [
        Job("broken", "workers", every=seconds(0.05), run=broken),
        Job("healthy", "workers", every=seconds(0.05), run=healthy),
    ]
    with caplog.at_level(logging.INFO, logger="corrigo.workers.scheduler"):
        _run_until(jobs, ctx, done)
    assert len(failures) >= 2 and fine
    assert "job broken failed" in caplog.text
    assert "healthy: all well" in caplog.text


def test_a_job_not_wanted_here_never_runs_and_stop_is_prompt(ctx: JobContext) -> None:
    ran: list[str] = []
    job = Job(
        "elsewhere",
        "server",
        every=seconds(0.01),
        run=lambda c: ran.append("x"),
        wanted=lambda c: False,
    )
    slow = Job("daily", "workers", every=seconds(86400), first=seconds(86400), run=ran.append)
    done = threading.Event()
    done.set()
    assert _run_until([job, slow], ctx, done) < 2
    assert ran == []


def test_the_table_names_every_job_once_with_a_place(ctx: JobContext) -> None:
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    assert {job.name for job in jobs_for("server")} == {"planner-statistics"}
    assert {job.name for job in jobs_for("workers")} >= {"retention"}
    for job in JOBS:
        assert job.every(ctx) > 0 and job.first(ctx) >= 0
