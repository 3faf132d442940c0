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
import time
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from corrigo.store.ingest import ReportJob, StoredReport, store_report, store_reports

log = logging.getLogger(__name__)
MAX_BATCH = 256
CHECKPOINT_SECONDS = 0.5
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


def checkpoint(engine: Engine) -> None:
    """Copy what SQLite's write-ahead log holds into the database file, as far as readers allow.

    PASSIVE mode: it never waits for readers. SQLite runs the copy without Python's
    lock, so the event loop goes on meanwhile.
    """
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


class ReportWriter:
    """Owns one database connection and stores the reports handed to it, in batches."""

    def __init__(
        self,
        engine: Engine,
        threshold: Callable[[], int],
        checkpoint_every: float = CHECKPOINT_SECONDS,
    ) -> None:
        self._engine = engine
        self._threshold = threshold
        # SQLite: the writer copies its log into the database file itself, between batches.
        self._checkpoint_every = checkpoint_every if engine.dialect.name == "sqlite" else None
        self._queue: queue.SimpleQueue[_Arrivals | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        # Per event loop, the reports that arrived since the loop last handed some over.
        self._arrivals: dict[asyncio.AbstractEventLoop, _Arrivals] = {}

    @property
    def engine(self) -> Engine:
        """The writer's own engine (the SQLite checkpoints go through it too)."""
        return self._engine

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="corrigo-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then stop the thread and close the connections."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None
            if self._engine.dialect.name == "sqlite":
                checkpoint(self._engine)  # the last one: the periodic job has stopped
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
        logged = False  # SQLite: commits not yet checkpointed
        checkpointed = time.monotonic()
        while not stopping:
            try:
                item = self._queue.get(timeout=self._until_checkpoint(logged, checkpointed))
            except queue.Empty:
                item = None
            if self._checkpoint_every is not None and logged:
                now = time.monotonic()
                if now - checkpointed >= self._checkpoint_every:
                    self._checkpoint()
                    logged, checkpointed = False, now
            if item is None:
                continue
            logged = True
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

    def _until_checkpoint(self, logged: bool, checkpointed: float) -> float | None:
        """How long to wait for reports before the next checkpoint is due (None: no limit)."""
        if self._checkpoint_every is None or not logged:
            return None
        return max(0.0, checkpointed + self._checkpoint_every - time.monotonic())

    def _checkpoint(self) -> None:
        # Here, between batches, no commit can land during the copy, so it reaches the end of
        # the log and the next commit starts the log over. A checkpoint running beside the
        # writer never caught up under a steady flood: the log grew by 50 MB a second.
        try:
            checkpoint(self._engine)
        except Exception:  # the next one will try again; storing reports matters more
            log.exception("checkpoint failed")

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
