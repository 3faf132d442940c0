"""A deadline for reading request bodies, and a cap on how many may be waited for at once.

A client that declares a body and sends it slowly, or never, would otherwise hold its
connection and its handler for ever. Every request body must arrive within
``CORRIGO_BODY_TIMEOUT`` seconds of the first wait for it (408 otherwise), and at most
``CORRIGO_MAX_SLOW_BODIES`` requests of a process may be waiting for body bytes at once
(503 for the next ones). Both answers close the connection.
"""

from __future__ import annotations

import asyncio
import json
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyRefused(Exception):
    """The body did not arrive in time, or too many bodies are awaited already."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# Seconds a body may keep a request waiting before it counts against the cap.
GRACE = 0.2
_TOO_SLOW = (408, "body_timeout", "The request body did not arrive in time.")
_TOO_MANY = (503, "busy", "Too many requests are sending their bodies; please retry.")


class BodyDeadline:
    """ASGI middleware enforcing the body deadline and the cap on awaited bodies."""

    def __init__(self, app: ASGIApp, timeout: float, max_waiting: int) -> None:
        self.app = app
        self.timeout = timeout
        self.max_waiting = max_waiting
        self.waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline: float | None = None
        complete = False

        async def bounded_receive() -> Message:
            nonlocal deadline, complete
            if complete:  # after the body only a disconnect can come: wait as long as needed
                return await receive()
            deadline = deadline or time.monotonic() + self.timeout
            # A body that is on its way does not count as slow: only a wait beyond a short
            # grace does. (Cancelling the server's receive consumes nothing; it is retried.)
            # asyncio's timeout, not anyio's cancel scope: 9 instead of 14 µs per request.
            try:
                async with asyncio.timeout(GRACE):
                    message = await receive()
            except TimeoutError:
                pass
            else:
                complete = _last(message)
                return message
            if self.waiting >= self.max_waiting:
                raise BodyRefused(*_TOO_MANY)
            self.waiting += 1
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                raise BodyRefused(*_TOO_SLOW) from None
            finally:
                self.waiting -= 1
            complete = _last(message)
            return message

        tracked = TrackedSend(send)
        try:
            await self.app(scope, bounded_receive, tracked)
        except BodyRefused as refused:
            if tracked.started:
                raise
            await _refuse(send, refused)


class TrackedSend:
    """An ASGI `send` that remembers whether the response has started (and can no longer
    be replaced by an error answer)."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        """Pass `message` on."""
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)


def _last(message: Message) -> bool:
    """Whether nothing but a disconnect can follow `message`."""
    return message["type"] != "http.request" or not message.get("more_body", False)


async def _refuse(send: Send, refused: BodyRefused) -> None:
    body = json.dumps({"error": refused.code, "message": refused.message, "field": None}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if refused.status == 503:
        headers.append((b"retry-after", b"5"))
    await send({"type": "http.response.start", "status": refused.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
