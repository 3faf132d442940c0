"""The page checker: fetch the pages of due groups, anchor each quote, record what it found.

A round claims pages with due groups (corrigo.store.checks), fetches each page
once for all of its groups through the safe fetcher (corrigo.net.fetch) with
its ETag/Last-Modified, reads the article as the widget does
(corrigo.domain.article), anchors every group's quote (corrigo.domain.anchoring)
and writes the outcomes. Politeness: at most one request a second per host and
two pages in flight per site, whatever the concurrency. Open groups become due
on their site's interval through the workers' job table (corrigo.workers.jobs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import anyio
from sqlalchemy import Connection, Engine

from corrigo.config import Settings
from corrigo.domain.anchoring import anchor
from corrigo.domain.article import article_texts
from corrigo.domain.quote import Quote
from corrigo.net.fetch import Unreachable, fetch_page, user_agent
from corrigo.store import checks
from corrigo.store.checks import CheckResult, ClaimedPage
from corrigo.workers.notifier import worker_name

log = logging.getLogger(__name__)
T = TypeVar("T")
# A checked page: its groups' outcomes and what to keep of it (see check_page).
Finished = tuple[ClaimedPage, list[CheckResult], tuple[str, str, list[str] | None] | None]

HOST_GAP = 1.0  # seconds between two requests to one host
PER_SITE = 2  # pages of one site in flight
LEASE = timedelta(seconds=120)  # far longer than one fetch may take (10 s)
DB_THREADS = 4
# Pages are claimed a few at a time, not one per freed slot: each claim is a
# transaction, and one per page was a third of a round's store work.
CLAIM_SHARE = 4  # claim once a quarter of the slots are free


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Pacer:
    """At most one request a second per host, and PER_SITE pages in flight per site."""

    def __init__(self, gap: float = HOST_GAP, per_site: int = PER_SITE) -> None:
        self._gap = gap
        self._next: dict[str, float] = {}
        self._sites: defaultdict[int, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_site)
        )

    def site(self, site_id: int) -> asyncio.Semaphore:
        """The slot a page of this site must hold while it is fetched."""
        return self._sites[site_id]

    async def turn(self, url: str) -> None:
        """Wait for this host's next free second, and take it."""
        host = (urlsplit(url).hostname or "").lower()
        now = time.monotonic()
        at = max(now, self._next.get(host, now))
        self._next[host] = at + self._gap
        if at > now:
            await asyncio.sleep(at - now)


def results_for(page: ClaimedPage, texts: list[str]) -> list[CheckResult]:
    """Anchor every due group of the page in the article's text (pure CPU work)."""
    results = []
    for group in page.groups:
        quote = Quote(group.exact, group.prefix, group.suffix, group.pos_start)
        found = anchor(quote, texts)
        now = found.now if found.outcome != "missing" else None
        results.append(CheckResult(group.id, found.outcome, now))
    return results


async def check_page(
    page: ClaimedPage, settings: Settings
) -> tuple[list[CheckResult], tuple[str, str, list[str] | None] | None]:
    """Fetch and check one claimed page: its groups' results, and what to keep of the page.

    What to keep is (etag, last_modified, texts), texts None when the page was unchanged.
    """
    cached = page.texts is not None
    try:
        fetched = await fetch_page(
            page.url,
            allowed_origins=page.allowed_origins,
            allow_private=settings.verify_allow_private,
            etag=page.etag if cached else "",
            last_modified=page.last_modified if cached else "",
            agent=user_agent(settings.base_url),
        )
    except Unreachable as exc:
        return [CheckResult(g.id, "unreachable", None, exc.reason) for g in page.groups], None
    if fetched.html is None and page.texts is not None:  # 304: the page is as it was
        return results_for(page, page.texts), (fetched.etag, fetched.last_modified, None)
    texts = article_texts(fetched.html or "", page.article_selector)
    return results_for(page, texts), (fetched.etag, fetched.last_modified, texts)


class Checker:
    """Runs page checks until stopped; several may run against one database."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utc_now,
        name: str | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.settings = settings
        self.name = name or worker_name()
        self._engine = engine
        self._clock = clock
        self._pacer = pacer or Pacer()
        self._db_threads = anyio.CapacityLimiter(DB_THREADS)
        self._tasks: set[asyncio.Task[None]] = set()
        self._slot_free = asyncio.Event()  # a check ended: there is room to claim another
        # Finished pages wait here for the writer, which writes all that wait in one
        # transaction (a group commit): no delay when checks are few, fewer commits when many.
        self._unwritten: list[tuple[Finished, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(conn, *args)` in one transaction on a worker thread."""

        def run() -> T:
            with self._engine.begin() as conn:
                return work(conn, *args)

        return await anyio.to_thread.run_sync(run, limiter=self._db_threads)

    async def run(self, stop: asyncio.Event) -> None:
        """Check due pages until `stop` is set; checks in flight finish first."""
        log.info("page checker %s started", self.name)
        try:
            while not stop.is_set():
                # Cleared before the claim, not after: a check that ends meanwhile wakes the wait.
                self._slot_free.clear()
                try:
                    started = await self.step()
                except Exception:
                    log.exception("page check round failed; retrying")
                    started = 0
                if not started:
                    await self._idle(stop)
        finally:
            await self.drain()

    async def _idle(self, stop: asyncio.Event) -> None:
        """Wait for the poll interval, a free slot, or the stop, whichever comes first."""
        waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._slot_free.wait())]
        try:
            await asyncio.wait(
                waits,
                timeout=self.settings.verify_poll_interval,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for wait in waits:
                wait.cancel()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slot_free.set()

    async def step(self) -> int:
        """Claim free pages with due groups and start their checks."""
        now = self._clock()
        room = self.settings.verify_concurrency - len(self._tasks)
        if room <= 0 or (self._tasks and room < self._claim_batch):
            return 0
        pages = await self._db(self._claim, now, room, None)
        for page in pages:
            task = asyncio.create_task(self._check(page))
            self._tasks.add(task)
            task.add_done_callback(self._done)
        return len(pages)

    def _claim(
        self, conn: Connection, now: datetime, limit: int, group_ids: Sequence[int] | None
    ) -> list[ClaimedPage]:
        return checks.claim_pages(conn, now, self.name, now + LEASE, limit, group_ids)

    @property
    def _claim_batch(self) -> int:
        return max(1, self.settings.verify_concurrency // CLAIM_SHARE)

    def _finish(self, conn: Connection, finished: Sequence[Finished]) -> None:
        now = self._clock()
        for page, results, fetched in finished:
            checks.record_results(conn, page, results, now)
            checks.release_page(conn, page.id, self.name, now, fetched)

    async def _write(self, finished: Finished) -> None:
        """Write a page's outcomes and release it; returns once they are committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._unwritten.append((finished, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_waiting())
        await done

    async def _write_waiting(self) -> None:
        try:
            while self._unwritten:
                batch, self._unwritten = self._unwritten, []
                try:
                    await self._db(self._finish, [finished for finished, _ in batch])
                except Exception:
                    # One page's failure must not lose the others': each alone, then.
                    for finished, done in batch:
                        try:
                            await self._db(self._finish, [finished])
                        except Exception as exc:
                            done.set_exception(exc)
                        else:
                            done.set_result(None)
                else:
                    for _, done in batch:
                        done.set_result(None)
        finally:
            self._writer = None

    async def _check(self, page: ClaimedPage) -> None:
        try:
            async with self._pacer.site(page.site_id):
                await self._pacer.turn(page.url)
                results, fetched = await check_page(page, self.settings)
            # The outcomes and the page's release in one transaction (see _write).
            await self._write((page, results, fetched))
        except Exception:
            log.exception("checking %s failed", page.url)
            with contextlib.suppress(Exception):  # the lease runs out otherwise
                await self._db(checks.release_page, page.id, self.name, self._clock(), None)

    @property
    def in_flight(self) -> int:
        """How many page checks this checker has running."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for the checks in flight."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def check_now(self, group_ids: Sequence[int], wait: float = 30.0) -> None:
        """Check these groups' pages now, waiting for any another worker is checking."""
        await self._db(checks.check_soon, list(group_ids), self._clock())
        deadline = time.monotonic() + wait
        while True:
            now = self._clock()
            pages = await self._db(self._claim, now, len(group_ids), list(group_ids))
            for page in pages:
                await self._check(page)
            pending = await self._db(checks.still_due, list(group_ids), now)
            if not pending or time.monotonic() > deadline:
                return
            await asyncio.sleep(0.2)


async def verify_groups(settings: Settings, engine: Engine, group_ids: Sequence[int]) -> None:
    """Check the pages of these groups now, in this process (``corrigo verify``)."""
    await Checker(settings, engine).check_now(group_ids)
