"""Group commit: one thread stores queued reports in batches, one commit per batch.

Every request still waits for the commit that holds its own report, so a 202
always means "on disk"; batching only shares the cost of that commit.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from corrigo.store.ingest import ReportJob, StoredReport, store_report

log = logging.getLogger(__name__)
MAX_BATCH = 256
_STOP = object()


class ReportWriter:
    """Owns one database connection and stores the reports handed to it, in batches."""

    def __init__(self, engine: Engine, threshold: Callable[[], int]) -> None:
        self._engine = engine
        self._threshold = threshold
        self._queue: queue.SimpleQueue[tuple[ReportJob, Future[StoredReport]] | object] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="corrigo-writer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Store what is queued, then stop the thread."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    async def submit(self, job: ReportJob) -> StoredReport:
        """Queue a report and wait until the transaction that holds it has committed."""
        future: Future[StoredReport] = Future()
        self._queue.put((job, future))
        return await asyncio.wrap_future(future)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            batch: list[tuple[ReportJob, Future[StoredReport]]] = []
            while True:
                if item is _STOP:
                    stopping = True
                else:
                    batch.append(item)  # type: ignore[arg-type]
                if len(batch) >= MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._store(batch)

    def _store(self, batch: list[tuple[ReportJob, Future[StoredReport]]]) -> None:
        # Same page order in every batch, so PostgreSQL advisory locks never deadlock.
        batch.sort(key=lambda entry: entry[0].report.page_hash)
        threshold = self._threshold()
        try:
            with self._engine.begin() as conn:
                results = [store_report(conn, job, threshold) for job, _ in batch]
        except (IntegrityError, DBAPIError) as exc:
            # A race with another process (same new group or client_id) or a bad row:
            # retry one by one so a single failure cannot sink its neighbours.
            log.info("batch of %d failed (%s); storing one by one", len(batch), type(exc).__name__)
            for job, future in batch:
                self._store_one(job, future, threshold)
            return
        except Exception as exc:  # the database is gone: fail the requests, keep the thread
            log.exception("storing a batch failed")
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)

    def _store_one(self, job: ReportJob, future: Future[StoredReport], threshold: int) -> None:
        for attempt in range(3):
            try:
                with self._engine.begin() as conn:
                    result = store_report(conn, job, threshold)
            except IntegrityError:
                if attempt == 2:
                    log.exception("report could not be stored")
                    future.set_exception(RuntimeError("conflict while storing report"))
                    return
                continue
            except Exception as exc:
                log.exception("report could not be stored")
                future.set_exception(exc)
                return
            future.set_result(result)
            return
