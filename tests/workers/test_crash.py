"""A worker that dies between committing a claim and sending: the message still goes out once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store import outbox
from corrigo.store.db import make_engine
from tests.conftest import SECRET, free_port
from tests.workers.conftest import add_channel, deliveries, drain, send_report, statuses
from tests.workers.receivers import HttpReceiver, SilentServer, SmtpSink, wait_until


def _claim_and_die(settings: Settings) -> None:
    """What a worker does up to its crash: route the event, claim it, commit. No send."""
    engine = make_engine(settings.resolved_database_url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        outbox.dispatch_events(conn, now, 100)
    with engine.begin() as conn:
        lease = now + timedelta(seconds=settings.notify_lease)
        assert outbox.claim_deliveries(conn, now, "dead-worker", lease, 10, {}, 4) != []
    engine.dispose()


def test_a_claim_whose_worker_died_is_sent_once_after_its_lease(
    notify_settings: Settings, ingest: TestClient, receivers: Callable[[], HttpReceiver]
) -> None:
    hook = receivers()
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    send_report(ingest)
    _claim_and_die(notify_settings)
    assert statuses(notify_settings) == ["sending"]
    drain(notify_settings)  # the lease still holds: another worker keeps off
    assert hook.received == [] and statuses(notify_settings) == ["sending"]
    later = datetime.now(UTC) + timedelta(seconds=notify_settings.notify_lease + 1)
    drain(notify_settings, clock=lambda: later)
    assert len(hook.wait_for(1)) == 1
    [row] = deliveries(notify_settings)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    drain(notify_settings, clock=lambda: later + timedelta(hours=1))
    assert len(hook.received) == 1


def test_a_claim_whose_worker_died_too_often_fails_with_a_reason(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    hook = receivers()
    settings = tuned(notify_max_attempts=1)
    add_channel(settings, "webhook", hook.url, secret="s" * 24)
    send_report(ingest)
    _claim_and_die(settings)
    drain(settings, clock=lambda: datetime.now(UTC) + timedelta(seconds=settings.notify_lease + 1))
    [row] = deliveries(settings)
    assert (row.status, row.last_error) == ("failed", outbox.LEASE_EXPIRED)
    assert hook.received == []


def _env(settings: Settings, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "CORRIGO_DATABASE_URL": settings.resolved_database_url,
        "CORRIGO_DATA_DIR": str(settings.data_dir),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_SMTP_HOST": "127.0.0.1",
        "CORRIGO_SMTP_PORT": str(smtp_port),
        "CORRIGO_SMTP_TIMEOUT": "30",
        "CORRIGO_NOTIFY_LEASE": "61",
        "CORRIGO_NOTIFY_POLL_INTERVAL": "0.05",
    }


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _corrigo(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "corrigo.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_killed_server_loses_no_message_and_a_worker_sends_each_once(
    notify_settings: Settings, news_site: str, smtp: SmtpSink
) -> None:
    add_channel(notify_settings, "email", "desk@news.example")
    silent = SilentServer().start()
    port = free_port()
    server = _corrigo(_env(notify_settings, silent.port), "serve", "--port", str(port))
    try:
        wait_until(lambda: _healthy(port), 30, "the server")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for word in ("wrod", "teh", "recieve"):
                send_report(client, word)
        # Its notifier has claimed all three and waits for an SMTP greeting that never comes.
        wait_until(lambda: statuses(notify_settings) == ["sending"] * 3, 20, "three claims")
        wait_until(lambda: silent.connections == 3, 10, "three SMTP connections")
    finally:
        os.kill(server.pid, signal.SIGKILL)  # no shutdown, no clean-up: a crash
        server.wait()
        silent.stop()
    assert smtp.messages == []
    engine = make_engine(notify_settings.resolved_database_url)
    with engine.begin() as conn:  # the dead worker's leases run out (instead of waiting 61 s)
        conn.execute(
            update(outbox.DELIVERIES).values(locked_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    engine.dispose()
    second = _corrigo(_env(notify_settings, smtp.port), "worker")
    try:
        wait_until(lambda: statuses(notify_settings) == ["sent"] * 3, 30, "three sent")
        time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(20) == 0
    subjects = sorted(
        str(message["Subject"]).split("“")[1].split("”")[0] for message in smtp.messages
    )
    assert subjects == ["recieve", "teh", "wrod"]
    assert {row.attempts for row in deliveries(notify_settings)} == {2}
