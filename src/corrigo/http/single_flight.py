"""One database lookup at a time per key, shared by every request that needs it.

When a cached entry expires under load, every request in flight would otherwise
miss at once and start its own lookup in the thread pool: dozens of threads
and queries for one answer, and a latency spike for all of them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)


class SingleFlight:
    """Runs a blocking call in the thread pool once per key while it is in flight."""

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[Any]] = {}

    def start(self, key: str, call: Callable[[], Any]) -> asyncio.Future[Any]:
        """The future of `call`'s result, shared with the calls for `key` already running."""
        loop = asyncio.get_running_loop()
        running = self._running.get(key)
        if running is None or running.get_loop() is not loop:
            running = asyncio.ensure_future(run_in_threadpool(call))
            self._running[key] = running
            running.add_done_callback(lambda done: self._finished(key, done))
        return running

    async def run(self, key: str, call: Callable[[], Any]) -> Any:
        """Wait for `call`'s result (a cancelled waiter does not cancel the others' lookup)."""
        return await asyncio.shield(self.start(key, call))

    def _finished(self, key: str, done: asyncio.Future[Any]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        # Retrieve the error: nobody may be waiting (a refresh that served stale data).
        if not done.cancelled() and (error := done.exception()) is not None:
            log.warning("lookup %r failed: %s", key, error)
