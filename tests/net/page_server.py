"""A real HTTP page server on loopback for the fetcher's and the checker's tests.

Routes are set per test: a path answers a fixed page, or runs a handler that
may redirect, stall, or stream for ever. Every request is recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    """What a route answers: status, headers and body (`stream` sends chunks instead)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0
    stream: Callable[[], Iterator[bytes]] | None = None


@dataclass(frozen=True)
class Seen:
    """One request the server read."""

    path: str
    headers: dict[str, str]


class PageServer:
    """Serves `routes` (path → Answer, or a function of the request headers) on 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | Callable[[dict[str, str]], Answer]] = {}
        self.seen: list[Seen] = []
        self._released = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {key.lower(): value for key, value in self.headers.items()}
                server.seen.append(Seen(self.path, headers))
                route = server.routes.get(self.path, Answer(404, b"<p>not found</p>"))
                answer = route(headers) if callable(route) else route
                if answer.delay:
                    server._released.wait(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.stream is not None:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for chunk in answer.stream():
                            self.wfile.write(chunk)
                    except OSError:  # the client hung up, as it should
                        return
                    return
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port: int = self._server.server_address[1]
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        """The absolute URL of `path` on this server."""
        return self.origin + path

    def page(self, path: str, html: str, **headers: str) -> None:
        """Serve `html` at `path` (extra headers with underscores for dashes)."""
        extra = {name.replace("_", "-"): value for name, value in headers.items()}
        self.routes[path] = Answer(200, html.encode(), {"Content-Type": "text/html", **extra})

    def requests_to(self, path: str) -> list[Seen]:
        """The requests that asked for `path`."""
        return [seen for seen in self.seen if seen.path == path]

    def start(self) -> None:
        """Serve on a thread of its own."""
        self._thread.start()

    def stop(self) -> None:
        """Release stalled answers and stop serving."""
        self._released.set()
        self._server.shutdown()
        self._server.server_close()


def endless() -> Iterator[bytes]:
    """An HTML body that never ends (ends after a minute at most, for a stuck test)."""
    yield b"<html><body><p>"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        yield b"x" * 65536
