"""A shared rate-limit storage that is down or silent never costs a report or freezes the server.

Real parts only: a port nothing listens on, a TCP server that accepts and never
answers, a real redis-server started on the dead port to see the breaker close.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from corrigo.config import Settings
from tests.api.helpers import report
from tests.conftest import NEWS_ORIGIN, LiveServer, free_port, settings_for
from tests.workers.receivers import SilentServer, wait_until


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    """A TCP server that accepts connections and never answers."""
    server = SilentServer().start()
    yield server
    server.stop()


def _serve(
    tmp_path: Path,
    sqlite_url: str,
    live_server_factory: Callable[[Settings], LiveServer],
    port: int,
    **overrides: object,
) -> LiveServer:
    from corrigo.store.admin import create_site
    from corrigo.store.db import make_engine, make_sessionmaker

    settings = settings_for(
        tmp_path / "data",
        sqlite_url,
        rate_limit_storage=f"redis://127.0.0.1:{port}",
        rate_limit_reader="3/minute",
        rate_limit_site="100/minute",
        **overrides,
    )
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Daily News", [NEWS_ORIGIN], "en", public_key="news-site-key")
        session.commit()
    engine.dispose()
    return live_server_factory(settings)


def _post(http: httpx.Client) -> tuple[int, float]:
    started = time.monotonic()
    answer = http.post(
        "/api/v1/reports", json=report(client_id=uuid.uuid4().hex), headers={"origin": NEWS_ORIGIN}
    )
    return answer.status_code, time.monotonic() - started


@pytest.mark.parametrize("kind", ["dead", "silent"])
def test_reports_are_accepted_within_a_second_with_per_process_limits(
    kind: str,
    tmp_path: Path,
    sqlite_url: str,
    live_server_factory: Callable[[Settings], LiveServer],
    silent_server: SilentServer,
) -> None:
    port = free_port() if kind == "dead" else silent_server.port
    server = _serve(tmp_path, sqlite_url, live_server_factory, port)
    with httpx.Client(base_url=server.url, timeout=10) as http:
        answers = [_post(http) for _ in range(5)]
        # The reader limit (3/minute) still holds, counted in this process.
        assert [status for status, _ in answers] == [202, 202, 202, 429, 429]
        # Within a second, plus what this shared machine takes to answer anything right now.
        started = time.monotonic()
        health = http.get("/healthz")
        pace = time.monotonic() - started
        assert max(elapsed for _, elapsed in answers) < 1.0 + pace, (answers, pace)
        assert health.status_code == 200
        assert health.json()["rate_limits"] == "fallback"
        metrics = http.get("/metrics").text
        assert "corrigo_rate_limit_fallback 1" in metrics
        assert "corrigo_rate_limit_storage_errors_total 0" not in metrics


def test_a_silent_storage_never_blocks_the_event_loop(
    tmp_path: Path,
    sqlite_url: str,
    live_server_factory: Callable[[Settings], LiveServer],
    silent_server: SilentServer,
) -> None:
    # A long storage timeout: were the wait blocking, nothing else could be served meanwhile.
    server = _serve(
        tmp_path, sqlite_url, live_server_factory, silent_server.port, rate_limit_storage_timeout=3
    )
    results: list[tuple[int, float]] = []
    with httpx.Client(base_url=server.url, timeout=10) as http:
        waiting = threading.Thread(target=lambda: results.append(_post(http)))
        waiting.start()
        wait_until(lambda: silent_server.connections > 0, 10, "a connection")
        started = time.monotonic()
        health = http.get("/healthz")
        assert time.monotonic() - started < 1.0
        assert health.status_code == 200
        waiting.join(timeout=10)
    assert results and results[0][0] == 202


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_the_breaker_closes_when_the_storage_comes_back(
    tmp_path: Path, sqlite_url: str, live_server_factory: Callable[[Settings], LiveServer]
) -> None:
    port = free_port()
    server = _serve(
        tmp_path, sqlite_url, live_server_factory, port, rate_limit_storage_cooldown=0.2
    )
    with httpx.Client(base_url=server.url, timeout=10) as http:
        assert _post(http)[0] == 202
        assert http.get("/healthz").json()["rate_limits"] == "fallback"
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            cwd=tmp_path,
        )
        try:

            def recovered() -> bool:
                _post(http)
                return http.get("/healthz").json()["rate_limits"] == "shared"

            wait_until(recovered, 10, "the breaker to close")
        finally:
            redis.terminate()
            redis.wait(timeout=10)
