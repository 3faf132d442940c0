"""Table statistics for SQLite's query planner, refreshed while the server runs.

PostgreSQL gathers statistics by itself (autovacuum). SQLite has only those
that ``ANALYZE`` writes, and without them it guesses: that a search matches few
rows, that a date filter keeps few groups. On a large store those guesses pick
plans hundreds of times slower than the right ones (see bench/dashboard).
``PRAGMA analysis_limit`` samples each index instead of reading it whole, so a
refresh takes tens of milliseconds even with a million reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)

# Rows sampled per index; SQLite's documentation suggests a few hundred to a thousand.
ANALYSIS_LIMIT = 1000
# The shape of the data changes slowly: a few refreshes a day are plenty.
REFRESH_SECONDS = 6 * 3600


def refresh_statistics(engine: Engine) -> None:
    """Sample the tables for SQLite's planner (nothing to do on PostgreSQL)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as conn:
        conn.execute(text(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}"))
        conn.execute(text("ANALYZE"))


async def _refresh_forever(engine: Engine, every: float) -> None:
    while True:
        try:
            await run_in_threadpool(refresh_statistics, engine)
        except Exception:  # a busy or read-only store must not stop the server
            log.warning("refreshing the planner statistics failed", exc_info=True)
        await asyncio.sleep(every)


@contextlib.asynccontextmanager
async def fresh_statistics(engine: Engine, every: float = REFRESH_SECONDS) -> AsyncIterator[None]:
    """Refresh the statistics now and every `every` seconds for the duration of the block."""
    task = asyncio.create_task(_refresh_forever(engine, every), name="corrigo-statistics")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
