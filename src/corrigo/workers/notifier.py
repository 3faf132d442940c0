"""The notifier: a loop that routes outbox events, claims deliveries and sends them.

Each round's database work (outcomes, reaping, routing, claiming) is one
transaction on a notifier thread; sends run as asyncio tasks, each under a
hard timeout, and their outcomes go back in the next round. One worker
never waits on a slow channel: a channel has at most
`notify_channel_concurrency` sends in flight, and the rest of its deliveries
stay unclaimed in the table for later (or for another worker).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import secrets
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import anyio
import httpx
from sqlalchemy import Connection, Engine

from corrigo.config import Settings
from corrigo.domain.schedule import retry_delay
from corrigo.store import outbox
from corrigo.store.demo_mailbox import DEMO_KIND
from corrigo.urls import Urls
from corrigo.workers.channels.base import DeliveryError, Sender, Target
from corrigo.workers.channels.demo import DemoMailboxSender
from corrigo.workers.channels.email import EmailSender
from corrigo.workers.channels.slack import SlackSender
from corrigo.workers.channels.telegram import TelegramSender
from corrigo.workers.channels.webhook import WebhookSender
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.sends import Send, digest_sends, notice_sends

log = logging.getLogger(__name__)
T = TypeVar("T")

# Outbox events routed per database round trip.
DISPATCH_BATCH = 200
# Threads the notifier may use for the database at once; the server's own pool is separate.
DB_THREADS = 1
STOPPED = "the worker stopped during the send"
# On shutdown, sends in flight get this long to finish before they are cut off.
SHUTDOWN_GRACE = 5.0
# Shortest time from the start of one busy round to the next (see `run`).
ROUND_GAP = 0.05
# Digests fall due once a day per channel: looking for them every second is plenty.
DIGEST_CHECK = timedelta(seconds=1)
ERROR_CHARS = 1000


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def worker_name() -> str:
    """A name unique to this worker: host, process and a random part (a process may run two)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one job's send ended: `error` is None on success."""

    job: Send
    error: DeliveryError | None


def make_senders(
    settings: Settings, client: httpx.AsyncClient, engine: Engine
) -> dict[str, Sender]:
    """One sender per channel kind, sharing one HTTP client (the demo's mailbox keeps its
    messages in the store of `engine`)."""
    return {
        "email": EmailSender(settings),
        DEMO_KIND: DemoMailboxSender(settings, engine),
        "webhook": WebhookSender(client),
        "slack": SlackSender(client),
        "telegram": TelegramSender(client, settings.telegram_api_base),
    }


def send_timeout(settings: Settings, kind: str) -> float:
    """The hard limit on one send to a channel of this kind."""
    return settings.smtp_timeout if kind == "email" else settings.notify_timeout


async def send_message(
    senders: dict[str, Sender], target: Target, message: Notice | Digest, limit: float
) -> str:
    """Send one notice or digest to its channel within `limit` seconds.

    Returns the receiver's answer; every failure, a timeout or an unexpected error
    included, is raised as a DeliveryError. Neither ever holds the channel's secrets
    (a receiver may echo its URL): errors are stored and shown to editors.
    """
    sender = senders.get(target.kind)
    if sender is None:
        raise DeliveryError(f"unknown channel kind {target.kind!r}", permanent=True)
    try:
        # A hard limit around the whole send: client timeouts bound each
        # operation, not a receiver that trickles its answer.
        async with asyncio.timeout(limit):
            if isinstance(message, Digest):
                answer = await sender.send_digest(target, message)
            else:
                answer = await sender.send_notice(target, message)
    except DeliveryError as exc:
        raise DeliveryError(
            target.scrub(str(exc)), permanent=exc.permanent, retry_after=exc.retry_after
        ) from None
    except TimeoutError:
        raise DeliveryError(f"no answer within {limit:g} s") from None
    except Exception as exc:
        log.exception("unexpected error sending to channel %s", target.channel_id)
        raise DeliveryError(target.scrub(f"{type(exc).__name__}: {exc}")) from None
    return target.scrub(answer)


class Notifier:
    """Routes outbox events to channels and delivers them with retries; see the module doc."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        senders: dict[str, Sender],
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: Callable[[], float] = random.random,
        name: str | None = None,
    ) -> None:
        self.settings = settings
        self.name = name or worker_name()
        self._engine = engine
        self._senders = senders
        self._clock = clock
        self._rng = rng
        self._db_threads = anyio.CapacityLimiter(DB_THREADS)
        self._in_flight: Counter[int] = Counter()
        self._tasks: set[asyncio.Task[None]] = set()
        self._outcomes: list[Outcome] = []
        self._wake = asyncio.Event()
        self._next_reap: datetime | None = None
        self._next_digest_check: datetime | None = None

    # -- the loop ---------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then let sends in flight finish and record them."""
        log.info("notifier %s started", self.name)
        loop = asyncio.get_running_loop()
        try:
            while not stop.is_set():
                started = loop.time()
                try:
                    busy = await self.step()
                except Exception:
                    # The database may be restarting; the rows wait, so try again later.
                    log.exception("notifier round failed; retrying")
                    busy = False
                if busy:
                    # Back-to-back rounds would hold SQLite's one write lock nearly all
                    # the time and starve the ingest's writer; a short gap lets it in,
                    # and the next round has more to batch.
                    await self._idle(stop, ROUND_GAP - (loop.time() - started), wake=False)
                else:
                    await self._idle(stop, self.settings.notify_poll_interval)
        finally:
            await self._finish()
            log.info("notifier %s stopped", self.name)

    async def _idle(self, stop: asyncio.Event, seconds: float, wake: bool = True) -> None:
        """Sleep up to `seconds`, less if stopped or (with `wake`) when a send finishes."""
        if seconds <= 0:
            return
        waits = [asyncio.ensure_future(stop.wait())]
        if wake:
            waits.append(asyncio.ensure_future(self._wake.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    async def step(self) -> bool:
        """One round: record outcomes, reap expired leases, route events, start sends.

        All of it is one transaction on one notifier thread: under load the
        round trips, not the statements, are what costs. Returns whether there
        was anything to do, so the loop can go on at once.
        """
        # Sends that finish from here on wake the idle wait that may follow.
        self._wake.clear()
        now = self._clock()
        reap = self._next_reap is None or now >= self._next_reap
        if reap:
            self._next_reap = now + timedelta(seconds=min(30.0, self.settings.notify_lease / 4))
        digests = self._next_digest_check is None or now >= self._next_digest_check
        if digests:
            self._next_digest_check = now + DIGEST_CHECK
        free = self.settings.notify_concurrency - len(self._tasks)
        # A copy: sends finishing on the event loop change the counter meanwhile.
        in_flight = dict(self._in_flight)
        outcomes, self._outcomes = self._outcomes, []
        try:
            routed, jobs = await self._db(
                self._round, outcomes, now, reap, digests, free, in_flight
            )
        except BaseException:
            # Kept for the next round: losing them would leave the rows to their
            # lease and send them twice.
            self._outcomes[:0] = outcomes
            raise
        for job in jobs:
            self._start(job)
        return bool(outcomes or routed or jobs)

    def _round(
        self,
        conn: Connection,
        outcomes: list[Outcome],
        now: datetime,
        reap: bool,
        digests: bool,
        free: int,
        in_flight: dict[int, int],
    ) -> tuple[int, list[Send]]:
        if outcomes:
            self._write_outcomes(conn, outcomes, now)
        if reap:
            outbox.reap_expired(conn, now, self.settings.notify_max_attempts)
        wait_until = now - timedelta(seconds=self.settings.proposal_wait)
        routed = outbox.dispatch_events(conn, now, DISPATCH_BATCH, wait_until)
        if free <= 0:
            return routed, []
        lease_until = now + timedelta(seconds=self.settings.notify_lease)
        return routed, self._claim(conn, now, lease_until, free, in_flight, digests)

    async def drain(self) -> None:
        """Work until nothing is due and no send is in flight (for tests and `--once`)."""
        while True:
            busy = await self.step()
            if self._tasks:
                await asyncio.wait(set(self._tasks))
                continue
            if not busy and not self._outcomes:
                return

    async def _finish(self) -> None:
        if self._tasks:
            _done, late = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE)
            # A cut-off send goes back to the queue at once (see `_send`): the next
            # worker sends it again with the same event id.
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._outcomes:
            outcomes, self._outcomes = self._outcomes, []
            await self._db(self._write_outcomes, outcomes, self._clock())

    # -- claiming and sending ---------------------------------------------------------------

    def _claim(
        self,
        conn: Connection,
        now: datetime,
        lease_until: datetime,
        free: int,
        in_flight: dict[int, int],
        digests: bool,
    ) -> list[Send]:
        settings = self.settings
        per_channel = settings.notify_channel_concurrency
        ids = outbox.claim_deliveries(
            conn, now, self.name, lease_until, free, in_flight, per_channel
        )
        urls = Urls(settings.base_url)
        jobs = notice_sends(conn, ids, urls)
        room = free - len(jobs)
        if digests and room > 0:
            busy = [channel for channel, count in in_flight.items() if count >= per_channel]
            busy += [job.target.channel_id for job in jobs]
            claimed = outbox.claim_digests(conn, now, self.name, lease_until, room, busy)
            jobs += digest_sends(conn, claimed, urls, now)
        return jobs

    def _start(self, job: Send) -> None:
        self._in_flight[job.target.channel_id] += 1
        task = asyncio.create_task(self._send(job), name=f"corrigo-send-{job.delivery_ids[0]}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, job: Send) -> None:
        target = job.target
        error: DeliveryError | None = None
        try:
            await send_message(
                self._senders, target, job.message, send_timeout(self.settings, target.kind)
            )
        except DeliveryError as exc:
            error = exc
        except asyncio.CancelledError:
            error = DeliveryError(STOPPED)
            raise
        finally:
            self._in_flight[target.channel_id] -= 1
            if self._in_flight[target.channel_id] <= 0:
                del self._in_flight[target.channel_id]
            self._outcomes.append(Outcome(job, error))
            self._wake.set()

    # -- recording outcomes -----------------------------------------------------------------

    def _write_outcomes(self, conn: Connection, outcomes: list[Outcome], now: datetime) -> None:
        settings = self.settings
        # Successes, the common case, are settled in one statement.
        sent = [
            i for outcome in outcomes if outcome.error is None for i in outcome.job.delivery_ids
        ]
        lost = len(sent) - outbox.mark_sent(conn, sent, self.name, now) if sent else 0
        for outcome in outcomes:
            job, error = outcome.job, outcome.error
            if error is None:
                continue
            ids = job.delivery_ids
            message = str(error)[:ERROR_CHARS] or type(error).__name__
            if error.permanent or job.attempts >= settings.notify_max_attempts:
                log.warning(
                    "giving up on channel %s after %d attempt(s): %s",
                    job.target.channel_id,
                    job.attempts,
                    message,
                )
                lost += len(ids) - outbox.mark_failed(conn, ids, self.name, message)
                continue
            delay = retry_delay(
                job.attempts, settings.notify_retry_base, settings.notify_retry_max, self._rng
            )
            if error.retry_after is not None:
                delay = max(delay, min(error.retry_after, settings.notify_retry_max))
            if message == STOPPED:
                delay = 0.0
            log.info(
                "channel %s failed (attempt %d), next try in %.0f s: %s",
                job.target.channel_id,
                job.attempts,
                delay,
                message,
            )
            next_at = now + timedelta(seconds=delay)
            lost += len(ids) - outbox.mark_retry(
                conn, ids, self.name, next_at, message, job.is_digest
            )
        if lost:
            log.warning(
                "%d deliveries were taken over by another worker after their lease ran out", lost
            )

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(conn, *args)` in one transaction on a notifier thread."""

        def run() -> T:
            with self._engine.begin() as conn:
                return work(conn, *args)

        return await anyio.to_thread.run_sync(run, limiter=self._db_threads)
