"""Two workers on one database share the work and send nothing twice (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.workers.channels.base import Sender, Target
from corrigo.workers.notice import Digest, Notice
from tests.workers.conftest import BackgroundNotifier, add_channel, deliveries, send_report
from tests.workers.receivers import HttpReceiver, SmtpSink, wait_until

EVENTS = 120


class Counting:
    """A sender that tallies which worker sent, then really sends."""

    def __init__(self, inner: Sender, tally: Counter[str], worker: str) -> None:
        self._inner, self._tally, self._worker = inner, tally, worker

    async def send_notice(self, target: Target, notice: Notice) -> str:
        self._tally[self._worker] += 1
        return await self._inner.send_notice(target, notice)

    async def send_digest(self, target: Target, digest: Digest) -> str:
        self._tally[self._worker] += 1
        return await self._inner.send_digest(target, digest)


def test_two_workers_share_the_deliveries_and_send_each_once(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    smtp: SmtpSink,
    receivers: Callable[[], HttpReceiver],
    background: Callable[..., BackgroundNotifier],
) -> None:
    # Small batches and a short poll, so the two claim side by side many times.
    settings = tuned(notify_concurrency=4, notify_poll_interval=0.01)
    hook = receivers()
    add_channel(settings, "webhook", hook.url, secret="s" * 24)
    add_channel(settings, "email", "desk@news.example")
    for i in range(EVENTS):
        send_report(ingest, f"wrod{i}")
    tally: Counter[str] = Counter()

    def counted(worker: str) -> Callable[[dict[str, Sender]], dict[str, Sender]]:
        return lambda senders: {k: Counting(v, tally, worker) for k, v in senders.items()}

    background(settings, name="worker-a", wrap=counted("a"))
    background(settings, name="worker-b", wrap=counted("b"))
    wait_until(
        lambda: [row.status for row in deliveries(settings)] == ["sent"] * 2 * EVENTS,
        60,
        "every delivery sent",
    )
    ids = [request.headers["x-corrigo-event-id"] for request in hook.received]
    assert len(ids) == len(set(ids)) == EVENTS
    mail_ids = [str(message["Message-ID"]) for message in smtp.messages]
    assert len(mail_ids) == len(set(mail_ids)) == EVENTS
    assert {row.attempts for row in deliveries(settings)} == {1}
    assert tally["a"] > 0 and tally["b"] > 0
    assert tally["a"] + tally["b"] == 2 * EVENTS
