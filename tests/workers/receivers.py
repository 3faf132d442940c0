"""Real receivers for the notifier's tests: an HTTP server and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import free_port


@dataclass(frozen=True)
class Received:
    """One request as the receiver read it."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until it holds; fail the test with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def answers(*statuses: int) -> Callable[[Received, int], tuple[int, bytes]]:
    """Answer the n-th request with the n-th status, then 200 for ever."""

    def respond(_request: Received, index: int) -> tuple[int, bytes]:
        status = statuses[index] if index < len(statuses) else 200
        return status, b'{"ok": true}' if status == 200 else b"receiver error"

    return respond


class HttpReceiver:
    """A threaded HTTP server on 127.0.0.1 that records every POST and answers as told.

    `respond(request, index)` picks the status and body; `delay` makes it hang
    that many seconds before answering (released at once by `stop`); `headers`
    go with every answer.
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.respond: Callable[[Received, int], tuple[int, bytes]] = answers()
        self.delay = 0.0
        self.headers: dict[str, str] = {}
        self._lock = threading.Lock()
        self._release = threading.Event()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        # Hanging handlers must not hold up the server's shutdown.
        self._server.daemon_threads = True
        self._server.block_on_close = False  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._lock:
                    index = len(receiver.received)
                    receiver.received.append(request)
                if receiver.delay:
                    receiver._release.wait(receiver.delay)
                status, answer = receiver.respond(request, index)
                # A client that gave up on a hanging answer has closed the socket.
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(answer)))
                    for name, value in receiver.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer)

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler

    def start(self) -> HttpReceiver:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging requests and stop serving."""
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, count: int, timeout: float = 15) -> list[Received]:
        """The requests, once at least `count` have arrived."""
        wait_until(lambda: len(self.received) >= count, timeout, f"{count} request(s)")
        return list(self.received)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        """aiosmtpd hook: store the message."""
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        self.messages.append(message)
        return "250 Message accepted"

    def start(self) -> SmtpSink:
        """Start listening on the port."""
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port refuses connections afterwards)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 15) -> list[EmailMessage]:
        """The messages, once at least `count` have arrived."""
        wait_until(lambda: len(self.messages) >= count, timeout, f"{count} e-mail(s)")
        return list(self.messages)


def parts(message: EmailMessage) -> tuple[str, str]:
    """(text, html) bodies of a multipart/alternative message."""
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


class SilentServer:
    """Accepts TCP connections and never says a word: an SMTP server that hangs."""

    def __init__(self) -> None:
        self.port = free_port()
        self.connections = 0
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._socket.settimeout(0.1)
        self._open: list[socket.socket] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(conn)

    def start(self) -> SilentServer:
        """Start accepting."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection and the listening socket."""
        self._stopping.set()
        self._thread.join(5)
        for conn in self._open:
            conn.close()
        self._socket.close()
