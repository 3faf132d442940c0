"""SIGTERM to a real `corrigo serve` under load: every 202 is stored, no lease is held."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import select

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.store.models import Report
from tests.conftest import NEWS_ORIGIN, SECRET, free_port
from tests.workers.conftest import PAGE, add_channel, deliveries
from tests.workers.receivers import HttpReceiver, wait_until

# The server's bound on its own shutdown (cli/server.py) plus the time to start Python.
EXIT_WITHIN = 40.0


def _serve(settings: Settings, port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CORRIGO_DATABASE_URL": settings.resolved_database_url,
        "CORRIGO_DATA_DIR": str(settings.data_dir),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_RATE_LIMIT_READER": "off",
        "CORRIGO_RATE_LIMIT_SITE": "off",
        "CORRIGO_NOTIFY_TIMEOUT": "60",
        "CORRIGO_NOTIFY_LEASE": "300",
        "CORRIGO_NOTIFY_POLL_INTERVAL": "0.05",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "corrigo.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


class Load:
    """Threads posting reports until the server stops answering; keeps every 202's id."""

    def __init__(self, url: str, threads: int = 6) -> None:
        self.url = url
        self.accepted: list[int] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> Load:
        """Start posting."""
        for thread in self._threads:
            thread.start()
        return self

    def join(self) -> None:
        """Wait until every thread has seen the server go."""
        for thread in self._threads:
            thread.join(timeout=EXIT_WITHIN)

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=EXIT_WITHIN) as client:
            for index in range(100_000):
                body = {
                    "site": "news-site-key",
                    "url": f"{PAGE}/{index % 50}",
                    "client_id": uuid.uuid4().hex,
                    "quote": {"exact": f"misprint{index % 7}", "prefix": "a ", "suffix": " b"},
                }
                try:
                    answer = client.post(
                        "/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN}
                    )
                except httpx.TransportError:  # refused or cut off: the server is going
                    return
                if answer.status_code == 202:
                    with self._lock:
                        self.accepted.append(int(answer.json()["report_id"]))


def test_sigterm_under_load_stores_every_accepted_report_and_releases_every_lease(
    notify_settings: Settings,
    news_site: str,
    receivers: Callable[[], HttpReceiver],
    tmp_path: Path,
) -> None:
    hook = receivers()
    hook.delay = 120  # every send hangs: shutdown has to cut them off and give them back
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    server = _serve(notify_settings, port, log_path.open("wb"))
    try:
        wait_until(lambda: _healthy(url), 120, "the server")
        load = Load(url).start()
        wait_until(lambda: len(load.accepted) >= 50 and bool(hook.received), 30, "load and sends")
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = server.wait(EXIT_WITHIN)
        took = time.monotonic() - started
        load.join()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    log = log_path.read_text()
    # uvicorn ends by re-raising the signal it handled, so the exit status is SIGTERM's.
    assert code in (0, -signal.SIGTERM), log
    assert "Application shutdown complete" in log and "Traceback" not in log, log
    assert took < EXIT_WITHIN
    engine = make_engine(notify_settings.resolved_database_url)
    with engine.connect() as conn:
        stored = set(conn.execute(select(Report.id)).scalars())
    engine.dispose()
    assert load.accepted and set(load.accepted) <= stored
    rows = deliveries(notify_settings)
    assert rows and all(row.status != "sending" and row.locked_until is None for row in rows), [
        (row.status, row.locked_until) for row in rows
    ]
