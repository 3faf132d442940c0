"""Fixtures for the notifier: SMTP and HTTP receivers, settings, channels, a driven notifier."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Delivery
from corrigo.workers.channels.base import Sender
from corrigo.workers.channels.http import make_client
from corrigo.workers.notifier import Notifier, make_senders
from tests.api.helpers import post
from tests.conftest import NEWS_ORIGIN
from tests.workers.receivers import HttpReceiver, SmtpSink

PAGE = f"{NEWS_ORIGIN}/politics/2026/11/27/budget"
BOT_TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
CHAT_ID = "-1001234567890"


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A running SMTP server."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def receivers() -> Iterator[Callable[[], HttpReceiver]]:
    """Start HTTP receivers; all are stopped after the test."""
    started: list[HttpReceiver] = []

    def build() -> HttpReceiver:
        receiver = HttpReceiver().start()
        started.append(receiver)
        return receiver

    yield build
    for receiver in started:
        receiver.stop()


# Quick retries and short timeouts, the app's own notifier off: tests drive theirs, and
# their notifications do not wait for proposals (no proposer runs unless a test starts one).
NOTIFY: dict[str, Any] = {
    "workers_in_process": False,
    "proposal_wait": 0.0,
    "smtp_host": "127.0.0.1",
    "smtp_from": "corrigo@news.example",
    "smtp_timeout": 2.0,
    "notify_timeout": 2.0,
    "notify_lease": 10.0,
    "notify_retry_base": 0.05,
    "notify_retry_max": 0.2,
    "notify_max_attempts": 4,
    "base_url": "https://corrigo.example",
}


@pytest.fixture
def tuned(make_settings: Callable[..., Settings], smtp: SmtpSink) -> Callable[..., Settings]:
    """Build notifier test settings (SMTP at the test server), with some values changed."""

    def build(**changes: Any) -> Settings:
        return make_settings(**{**NOTIFY, "smtp_port": smtp.port, **changes})

    return build


@pytest.fixture
def notify_settings(tuned: Callable[..., Settings]) -> Settings:
    """The notifier test settings as they are."""
    return tuned()


@pytest.fixture
def ingest(make_client: Callable[..., TestClient], news_site: str) -> TestClient:
    """The real ingest API on the test database (with the news site), without a notifier."""
    return make_client(workers_in_process=False)


def add_channel(settings: Settings, kind: str, target: str, **options: Any) -> int:
    """Create a channel on the news site; returns its id."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        channel = create_channel(session, "news-site-key", kind, target, **options)
        session.commit()
        channel_id = channel.id
    engine.dispose()
    return channel_id


def send_report(client: httpx.Client, exact: str = "intergration", **fields: Any) -> dict[str, Any]:
    """POST one report through the ingest API; returns its 202 answer."""
    body: dict[str, Any] = {
        "site": "news-site-key",
        "url": PAGE,
        "title": "Budget approved",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "quote": {
            "exact": exact,
            "prefix": "Officials said they plan to use ",
            "suffix": " into the core system before wi",
        },
    }
    body.update(fields)
    answer = post(client, body)
    assert answer.status_code == 202, answer.text
    return dict(answer.json())


def make_notifier(
    settings: Settings,
    engine: Engine,
    client: httpx.AsyncClient,
    clock: Callable[[], datetime] | None = None,
    name: str | None = None,
) -> Notifier:
    """A notifier with the real senders."""
    extra: dict[str, Any] = {} if clock is None else {"clock": clock}
    return Notifier(settings, engine, make_senders(settings, client, engine), name=name, **extra)


def drain(settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
    """Run one notifier until nothing is due and nothing is in flight."""

    async def run() -> None:
        engine = make_engine(settings.resolved_database_url)
        try:
            async with make_client(settings.notify_timeout) as client:
                await make_notifier(settings, engine, client, clock).drain()
        finally:
            engine.dispose()

    asyncio.run(run())


def deliveries(settings: Settings) -> list[Delivery]:
    """Every delivery row, by id."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        rows = list(session.execute(select(Delivery).order_by(Delivery.id)).scalars())
    engine.dispose()
    return rows


class BackgroundNotifier:
    """A notifier running its real loop in a thread of its own, until `stop`."""

    def __init__(
        self,
        settings: Settings,
        name: str | None = None,
        wrap: Callable[[dict[str, Sender]], dict[str, Sender]] | None = None,
    ) -> None:
        self.settings = settings
        self.name = name
        self._wrap = wrap
        self._ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        engine = make_engine(self.settings.resolved_database_url)
        try:
            async with make_client(self.settings.notify_timeout) as client:
                senders = make_senders(self.settings, client, engine)
                if self._wrap is not None:
                    senders = self._wrap(senders)
                notifier = Notifier(self.settings, engine, senders, name=self.name)
                await notifier.run(self._stop)
        finally:
            engine.dispose()

    def start(self) -> BackgroundNotifier:
        """Start the loop."""
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        """Ask the loop to stop and wait until it has recorded its outcomes."""
        if self._loop is not None and self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        assert not self._thread.is_alive(), "the notifier did not stop"


@pytest.fixture
def background() -> Iterator[Callable[..., BackgroundNotifier]]:
    """Start notifiers in threads; all are stopped after the test."""
    running: list[BackgroundNotifier] = []

    def build(settings: Settings, **options: Any) -> BackgroundNotifier:
        notifier = BackgroundNotifier(settings, **options).start()
        running.append(notifier)
        return notifier

    yield build
    for notifier in running:
        notifier.stop()


def statuses(settings: Settings) -> list[str]:
    """The status of every delivery, by id."""
    return [row.status for row in deliveries(settings)]
