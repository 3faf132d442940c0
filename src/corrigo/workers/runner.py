"""Starting the workers and the periodic jobs: inside the server, or as `corrigo worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from sqlalchemy import Engine

from corrigo.config import Settings
from corrigo.spelling.thread import on_spelling_thread
from corrigo.store.db import make_engine
from corrigo.workers.channels.http import make_client
from corrigo.workers.checker import Checker
from corrigo.workers.jobs import jobs_for
from corrigo.workers.notifier import Notifier, make_senders
from corrigo.workers.proposer import Proposer
from corrigo.workers.scheduler import JobContext, run_jobs

log = logging.getLogger(__name__)


async def run_workers(
    settings: Settings,
    engine: Engine | None = None,
    stop: asyncio.Event | None = None,
    *,
    once: bool = False,
) -> None:
    """Run the proposer, the notifier, the page checker and the workers' periodic jobs until
    `stop` is set (forever without one).

    With `once`, compute the due proposals, send what is due now, wait for the
    outcomes and return. With no `engine` it opens its own on the configured
    database and closes it at the end; the schema must already be migrated.
    """
    own_engine = engine is None
    engine = engine or make_engine(settings.resolved_database_url)
    try:
        async with make_client(settings.notify_timeout) as client:
            notifier = Notifier(settings, engine, make_senders(settings, client, engine))
            proposer = Proposer(engine)
            if once:
                await on_spelling_thread(proposer.drain)
                await notifier.drain()
                return
            stop = stop or asyncio.Event()
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(proposer.run(stop, settings.notify_poll_interval))
                tasks.create_task(notifier.run(stop))
                tasks.create_task(Checker(settings, engine).run(stop))
                tasks.create_task(run_jobs(jobs_for("workers"), JobContext(settings, engine), stop))
    finally:
        if own_engine:
            engine.dispose()


class LoopThread:
    """Work on a thread and event loop of its own, inside the server's process.

    Not a task of the server's loop: a burst of notifications (rendering,
    building e-mails, TLS) or a slow job would then delay every request that
    loop serves. On a thread of its own the work only shares the interpreter.
    """

    def __init__(self, name: str, main: Callable[[asyncio.Event], Coroutine[Any, Any, None]]):
        self._main_coroutine = main
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def _main(self) -> None:
        async def body() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await self._main_coroutine(self._stop)

        try:
            asyncio.run(body())
        except Exception:
            # A crash is logged and never takes the server down with it.
            log.exception("%s stopped", self._thread.name)
        finally:
            self._ready.set()

    def start(self) -> None:
        """Start the thread and wait until its loop runs."""
        self._thread.start()
        self._ready.wait()

    def stop(self) -> None:
        """Ask the work to stop and wait for it (sends in flight get a grace period)."""
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop ended on its own meanwhile
                loop.call_soon_threadsafe(stop.set)
        self._thread.join()


@contextlib.asynccontextmanager
async def _on_thread(thread: LoopThread) -> AsyncIterator[None]:
    await asyncio.to_thread(thread.start)
    try:
        yield
    finally:
        await asyncio.to_thread(thread.stop)


def background_workers(
    settings: Settings, engine: Engine
) -> contextlib.AbstractAsyncContextManager[None]:
    """Run the workers on a thread of this process for the duration of the block.

    The server's lifespan uses this when `workers_in_process` is on.
    """
    return _on_thread(
        LoopThread("corrigo-workers", lambda stop: run_workers(settings, engine, stop))
    )


def server_jobs(settings: Settings, engine: Engine) -> contextlib.AbstractAsyncContextManager[None]:
    """Run the server's periodic jobs on a thread of this process for the duration of the block."""
    ctx = JobContext(settings, engine)
    return _on_thread(
        LoopThread("corrigo-jobs", lambda stop: run_jobs(jobs_for("server"), ctx, stop))
    )
