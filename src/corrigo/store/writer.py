"""Group commit: one thread stores queued reports in batches, one commit per batch.

Every request still waits for the commit that holds its own report, so a 202
always means "on disk"; batching only shares the cost of that commit.

Crossing between the event loop and the writer thread wakes a thread each
time, which costs more than a report's own checks; so both directions cross
once per batch. Requests queue their reports in their event loop, which hands
all that arrived in one loop iteration to the writer at once; the writer
settles the requests' futures with one call into each event loop per commit.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from corrigo.store.ingest import ReportJob, StoredReport, store_report, store_reports

log = logging.getLogger(__name__)
MAX_BATCH = 256
CHECKPOINT_SECONDS = 0.5
# The log starts over only once a checkpoint has copied all of it. Beside a writer that
# commits without pause that never happens (commits land during every copy), and the log
# grew by ~50 MB a second under a steady 1,000 reports/s. So past this many pages the
# writer copies what is left itself, between batches. Not at every checkpoint: each restart
# stalls the writer for ~20 ms on a virtual disk (every 0.5 s: p99 20 ms at 1,000 reports/s;
# every 64 MB, about every 2 s then: 8-12 ms). Not past 64 MB either: the log file is cut back
# to that size when it restarts (`WAL_LIMIT_BYTES`), and cutting a longer one stalled 100 ms.
RESTART_PAGES = 16_384  # 64 MB of 4 KB pages
_STOP = object()


class _Pending(NamedTuple):
    job: ReportJob
    future: asyncio.Future[StoredReport]
    loop: asyncio.AbstractEventLoop


_Arrivals = list[_Pending]


_Outcome = StoredReport | BaseException
_Settled = tuple[asyncio.Future[StoredReport], _Outcome]


def _settle(entries: list[_Settled]) -> None:
    """Runs in the requests' event loop: hand each waiting request its outcome."""
    for future, outcome in entries:
        if future.done():  # the request was cancelled (client gone)
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def checkpoint(engine: Engine) -> tuple[int, int]:
    """Copy what SQLite's write-ahead log holds into the database file, as far as readers allow;
    return the pages in the log and how many of them are in the database file now.

    PASSIVE mode: it never waits for readers or the writer. SQLite runs the copy without
    Python's lock, so the event loop and the writer go on meanwhile.
    """
    with engine.connect() as conn:
        _busy, logged, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return max(int(logged), 0), max(int(copied), 0)


class ReportWriter:
    """Owns one database connection and stores the reports handed to it, in batches."""

    def __init__(
        self,
        engine: Engine,
        threshold: Callable[[], int],
        checkpoint_every: float = CHECKPOINT_SECONDS,
        restart_pages: int = RESTART_PAGES,
    ) -> None:
        self._engine = engine
        self._threshold = threshold
        self._sqlite = engine.dialect.name == "sqlite"
        self._checkpoint_every = checkpoint_every
        self._restart_pages = restart_pages
        self._logged = 0  # SQLite: the log's pages as the last checkpoint found them
        self._queue: queue.SimpleQueue[_Arrivals | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._checkpointer: threading.Thread | None = None
        self._stopping = threading.Event()
        # Per event loop, the reports that arrived since the loop last handed some over.
        self._arrivals: dict[asyncio.AbstractEventLoop, _Arrivals] = {}

    @property
    def engine(self) -> Engine:
        """The writer's own engine (the SQLite checkpoints go through it too)."""
        return self._engine

    def start(self) -> None:
        """Start the writer thread and, on SQLite, its checkpointer (idempotent)."""
        if self._thread is None:
            self._stopping.clear()
            self._thread = threading.Thread(target=self._run, name="corrigo-writer", daemon=True)
            self._thread.start()
            if self._sqlite:
                self._checkpointer = threading.Thread(
                    target=self._checkpoints, name="corrigo-checkpointer", daemon=True
                )
                self._checkpointer.start()

    def stop(self) -> None:
        """Store what is queued, then stop the thread and close the connections."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None
            if self._checkpointer is not None:
                self._stopping.set()
                self._checkpointer.join()
                self._checkpointer = None
                checkpoint(self._engine)  # the last one, with nothing left to write
            self._engine.dispose()

    async def submit(self, job: ReportJob) -> StoredReport:
        """Queue a report and wait until the transaction that holds it has committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoredReport] = loop.create_future()
        arrivals = self._arrivals.get(loop)
        if arrivals is None:
            arrivals = self._arrivals[loop] = []
            loop.call_soon(self._hand_over, loop)
        arrivals.append(_Pending(job, future, loop))
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """Runs in the event loop once per iteration that queued reports."""
        self._queue.put(self._arrivals.pop(loop))

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            waiting: list[_Pending] = []
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    waiting += item  # type: ignore[arg-type]
                if len(waiting) >= MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            for start in range(0, len(waiting), MAX_BATCH):
                batch = waiting[start : start + MAX_BATCH]
                self._deliver(batch, self._store(batch))
            if self._logged >= self._restart_pages:
                # Between batches no commit lands during the copy: it reaches the end of
                # the log, and the next commit starts the log over.
                logged, copied = self._checkpoint()
                self._logged = 0 if copied == logged else logged

    def _checkpoints(self) -> None:
        """The checkpointer thread: copy the log into the database file every so often."""
        while not self._stopping.wait(self._checkpoint_every):
            self._logged = self._checkpoint()[0]

    def _checkpoint(self) -> tuple[int, int]:
        try:
            return checkpoint(self._engine)
        except Exception:  # the next one will try again; storing reports matters more
            log.exception("checkpoint failed")
            return self._logged, 0

    @staticmethod
    def _deliver(batch: list[_Pending], outcomes: list[_Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[_Settled]] = {}
        for pending, outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(pending.loop, []).append((pending.future, outcome))
        for loop, entries in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, entries)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                continue

    def _store(self, batch: list[_Pending]) -> list[_Outcome]:
        # Same page order in every batch, so PostgreSQL advisory locks never deadlock.
        batch.sort(key=lambda pending: pending.job.report.page_hash)
        threshold = self._threshold()
        try:
            with self._engine.begin() as conn:
                stored: list[_Outcome] = []
                stored += store_reports(conn, [pending.job for pending in batch], threshold)
                return stored
        except (IntegrityError, DBAPIError) as exc:
            # A race with another process (same new group or client_id) or a bad row:
            # retry one by one so a single failure cannot sink its neighbours.
            log.info("batch of %d failed (%s); storing one by one", len(batch), type(exc).__name__)
            return [self._store_one(pending.job, threshold) for pending in batch]
        except Exception as exc:  # the database is gone: fail the requests, keep the thread
            log.exception("storing a batch failed")
            return [exc] * len(batch)

    def _store_one(self, job: ReportJob, threshold: int) -> _Outcome:
        for attempt in range(3):
            try:
                with self._engine.begin() as conn:
                    return store_report(conn, job, threshold)
            except IntegrityError:
                if attempt == 2:
                    log.exception("report could not be stored")
                    return RuntimeError("conflict while storing report")
            except Exception as exc:
                log.exception("report could not be stored")
                return exc
        raise AssertionError("unreachable")
