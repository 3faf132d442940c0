"""The one scheduler: runs each periodic job of :data:`corrigo.workers.jobs.JOBS` on its interval.

A job's work is blocking (database statements), so it runs on a thread while
the scheduler's event loop only keeps time. A failing round is logged and the
job tries again at its next interval: a database that is restarting must not
stop the others. Several processes may run the same job at once; every job is
written so that a second run finds nothing left to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine

from corrigo.config import Settings

log = logging.getLogger(__name__)

Place = Literal["server", "workers"]


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job may use: the settings and the engines of the process it runs in."""

    settings: Settings
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        """Whether the store is SQLite."""
        return self.engine.dialect.name == "sqlite"


def seconds(value: float) -> Callable[[JobContext], float]:
    """An interval that does not depend on the settings or the database."""
    return lambda _ctx: value


def at_once(_ctx: JobContext) -> float:
    """No wait before a job's first run."""
    return 0.0


def always(_ctx: JobContext) -> bool:
    """Every process of the job's place runs it."""
    return True


@dataclass(frozen=True, slots=True)
class Job:
    """One periodic job: where it runs, how often, and what it does.

    `run` is blocking and returns a line for the log (or None for nothing to
    say). `first` is the wait before the first run; `wanted` leaves a job out
    where it has nothing to do (SQLite checkpoints on PostgreSQL).
    """

    name: str
    place: Place
    every: Callable[[JobContext], float]
    run: Callable[[JobContext], str | None]
    first: Callable[[JobContext], float] = at_once
    wanted: Callable[[JobContext], bool] = always


async def _wait(stop: asyncio.Event, delay: float) -> bool:
    """Sleep up to `delay` seconds; True once `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), max(0.0, delay))
    return stop.is_set()


async def _repeat(job: Job, ctx: JobContext, stop: asyncio.Event) -> None:
    if await _wait(stop, job.first(ctx)):
        return
    while True:
        try:
            said = await asyncio.to_thread(job.run, ctx)
        except Exception:
            log.warning(
                "job %s failed; it runs again at its next interval", job.name, exc_info=True
            )
        else:
            if said:
                log.info("%s: %s", job.name, said)
        if await _wait(stop, job.every(ctx)):
            return


async def run_jobs(jobs: Iterable[Job], ctx: JobContext, stop: asyncio.Event) -> None:
    """Run the wanted jobs, each on its own interval, until `stop` is set."""
    async with asyncio.TaskGroup() as tasks:
        for job in jobs:
            if job.wanted(ctx):
                tasks.create_task(_repeat(job, ctx, stop), name=f"corrigo-job-{job.name}")
