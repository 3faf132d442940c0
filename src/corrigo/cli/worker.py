"""`corrigo worker`: the notifier as its own process."""

from __future__ import annotations

import asyncio
import signal

import click

from corrigo.cli.common import require_current, settings_or_exit
from corrigo.workers.runner import run_workers


@click.command()
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
def worker(once: bool) -> None:
    """Run the notifier, and the retention purge once a day, until SIGTERM or Ctrl+C.

    Run as many as you like against one database: they share the work, and
    each delivery is claimed by one worker at a time. Set
    CORRIGO_WORKERS_IN_PROCESS=false for `corrigo serve` when workers run on
    their own.
    """
    settings = settings_or_exit()
    require_current(settings)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await run_workers(settings, stop=stop, once=once)

    asyncio.run(main())
