"""Requests that declare a body and never send it: answered 408 in bounded time, and capped.

Real sockets against a real uvicorn server on loopback.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from corrigo.config import Settings
from tests.api.helpers import report
from tests.conftest import NEWS_KEY, NEWS_ORIGIN, LiveServer, settings_for

HEAD = (
    "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {origin}\r\n"
    "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n"
)


def _serve(
    tmp_path: Path, url: str, factory: Callable[[Settings], LiveServer], **overrides: object
) -> LiveServer:
    from corrigo.store.admin import create_site
    from corrigo.store.db import make_engine, make_sessionmaker

    settings = settings_for(tmp_path / "data", url, **overrides)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Daily News", [NEWS_ORIGIN], "en", public_key=NEWS_KEY)
        session.commit()
    engine.dispose()
    return factory(settings)


def _open_slow(server: LiveServer) -> socket.socket:
    """A connection that sends the head of a report and then a few bytes of its body only."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(HEAD.format(origin=NEWS_ORIGIN).encode() + b'{"site": ')
    return sock


def _status_and_time(sock: socket.socket, started: float) -> tuple[int, float]:
    """The status of the answer on `sock` and when the server closed it."""
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    sock.close()
    status = int(data.split(b" ", 2)[1]) if data else 0
    return status, time.monotonic() - started


def test_bodies_that_never_arrive_are_answered_408_in_bounded_time(
    tmp_path: Path, sqlite_url: str, live_server_factory: Callable[[Settings], LiveServer]
) -> None:
    server = _serve(
        tmp_path, sqlite_url, live_server_factory, body_timeout=3.0, max_slow_bodies=1000
    )
    started = time.monotonic()
    sockets = [_open_slow(server) for _ in range(300)]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        # Meanwhile the server answers everyone else, before any slow body's deadline.
        assert http.get("/healthz").status_code == 200
        posted = http.post("/api/v1/reports", json=report(), headers={"origin": NEWS_ORIGIN})
        assert posted.status_code == 202
        answered_within = time.monotonic() - started
    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda sock: _status_and_time(sock, started), sockets))
    assert Counter(status for status, _ in answers) == {408: 300}
    # Served while all 300 waited (the slow bodies blocked nobody), and none waited for ever.
    assert answered_within < min(elapsed for _, elapsed in answers)
    assert max(elapsed for _, elapsed in answers) < 30.0


def test_at_most_so_many_bodies_are_awaited_at_once(
    tmp_path: Path, sqlite_url: str, live_server_factory: Callable[[Settings], LiveServer]
) -> None:
    server = _serve(tmp_path, sqlite_url, live_server_factory, body_timeout=3.0, max_slow_bodies=5)
    started = time.monotonic()
    sockets = [_open_slow(server) for _ in range(12)]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        # A report whose body comes at once is no slow body: served while the cap is full.
        body = report(client_id=uuid.uuid4().hex)
        posted = http.post("/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN})
        assert posted.status_code == 202
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda sock: _status_and_time(sock, started), sockets))
    statuses = Counter(status for status, _ in answers)
    assert statuses == {408: 5, 503: 7}, answers
    refused_at = [elapsed for status, elapsed in answers if status == 503]
    assert max(refused_at) < 3.0  # refused at once, not after the deadline
