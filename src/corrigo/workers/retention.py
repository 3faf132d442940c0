"""Retention on a schedule: the workers purge old reports and reader hashes every day.

Without it the retention period and the two-day life of reader hashes would
hold only where an operator remembered to run ``corrigo purge`` from cron.
Several workers may purge at once: every statement is a delete or an update
that a second run finds nothing left to do for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import Engine

from corrigo.store.retention import purge_now

log = logging.getLogger(__name__)
PURGE_SECONDS = 24 * 3600.0
# The first purge waits a little: a server that has just started has better things to do.
FIRST_PURGE_SECONDS = 60.0


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def purge_daily(
    engine: Engine,
    retention_days: int,
    stop: asyncio.Event,
    every: float = PURGE_SECONDS,
    first: float | None = None,
) -> None:
    """Purge after `first` seconds (FIRST_PURGE_SECONDS by default), then every `every`.

    Returns once `stop` is set.
    """
    await _wait(stop, FIRST_PURGE_SECONDS if first is None else first)
    while not stop.is_set():
        try:
            result = await asyncio.to_thread(purge_now, engine, retention_days)
        except Exception:  # the database may be restarting: try again next time
            log.warning("purging old reports failed", exc_info=True)
        else:
            log.info(
                "retention: deleted %d reports and %d closed groups, cleared %d reader hashes",
                result.reports,
                result.groups,
                result.hashes_cleared,
            )
        await _wait(stop, every)
