"""A 202 means committed: concurrent writers, a killed server, both databases."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from corrigo.config import Settings
from tests.api.helpers import ARTICLE, ErrorGroup, Report, count, report, rows
from tests.conftest import SECRET, LiveServer, free_port

HEADERS = {"origin": "https://news.example"}


def test_concurrent_reports_of_one_new_misprint_make_one_group(
    settings: Settings, news_site: str, live_server_factory: Callable[..., LiveServer]
) -> None:
    server = live_server_factory(settings)
    exacts = ["intergration", "intergration into", "to implement intergration", "ntergration"]

    def send(i: int) -> int:
        answer = httpx.post(
            server.url + "/api/v1/reports", json=report(exacts[i % 4]), headers=HEADERS, timeout=30
        )
        assert answer.status_code == 202, answer.text
        return int(answer.json()["group_id"])

    with ThreadPoolExecutor(16) as pool:
        groups = set(pool.map(send, range(80)))
    assert len(groups) == 1
    assert rows(settings, ErrorGroup)[0].report_count == 80
    assert count(settings, Report) == 80


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "corrigo.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Generous: on a shared, loaded machine importing the stack alone can take 30 s.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def test_killed_server_loses_no_accepted_report(settings: Settings, news_site: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CORRIGO_DATABASE_URL": settings.resolved_database_url,
        "CORRIGO_DATA_DIR": str(settings.data_dir),
        "CORRIGO_SECRET_KEY": SECRET,
        "CORRIGO_RATE_LIMIT_READER": "off",
        "CORRIGO_RATE_LIMIT_SITE": "off",
    }
    process = _start(env, port)
    accepted: set[int] = set()

    words = ARTICLE.split()[:20]

    def send(i: int) -> None:
        try:
            answer = httpx.post(
                f"http://127.0.0.1:{port}/api/v1/reports",
                json=report(words[i % len(words)]),
                headers=HEADERS,
                timeout=10,
            )
        except httpx.TransportError:
            return
        if answer.status_code == 202:
            accepted.add(answer.json()["report_id"])

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(send, i) for i in range(400)]
        deadline = time.monotonic() + 60
        while len(accepted) < 100 and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)  # no shutdown, no flush: a crash
        for future in futures:
            future.result()
    process.wait()
    assert len(accepted) >= 100
    stored = {row.id for row in rows(settings, Report)}
    assert accepted <= stored
