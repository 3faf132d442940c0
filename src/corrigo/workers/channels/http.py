"""POSTing to webhooks, Slack and Telegram, and sorting failures into retry or give up."""

from __future__ import annotations

import email.utils
import logging
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC

import httpx

from corrigo.workers.channels.base import DeliveryError

# Statuses that say "try later"; any other 4xx means the request itself is refused.
RETRYABLE = frozenset({408, 425, 429})
ERROR_SNIPPET = 300
# How much of a receiver's answer is read: plenty to show it and to parse Telegram's JSON;
# a receiver that sends more (or streams for ever) is not read further.
ANSWER_BYTES = 64 * 1024
USER_AGENT = "Corrigo-Notifier/1"
# httpx logs every request with its full URL at INFO, and Slack webhook and Telegram
# URLs hold secrets (the bot token is in the path): keep those lines out of the logs.
logging.getLogger("httpx").setLevel(logging.WARNING)


def make_client(timeout: float) -> httpx.AsyncClient:
    """One client for every HTTP channel of a worker: pooled, no redirects, no cookies."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or an HTTP date), if it has any."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def snippet(text: str) -> str:
    """The start of a receiver's answer, on one line, for the delivery's last error.

    Control characters become U+FFFD: the text is printed on terminals (`corrigo
    channel test`), where a receiver's escape sequences must not act.
    """
    shown = " ".join(text.split())[:ERROR_SNIPPET]
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf") else c for c in shown)


@dataclass(frozen=True, slots=True)
class Answer:
    """A receiver's answer: its status, its Retry-After header and the start of its body."""

    status: int
    body: bytes
    retry_after: str | None = None

    def summary(self) -> str:
        """'HTTP 200: ok' — the status and the start of the body on one line."""
        return f"HTTP {self.status}: {snippet(self.body.decode('utf-8', 'replace'))}".rstrip(": ")


async def _read_answer(response: httpx.Response) -> Answer:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= ANSWER_BYTES:
            break
    retry = response.headers.get("retry-after")
    return Answer(response.status_code, bytes(body[:ANSWER_BYTES]), retry)


async def post(
    client: httpx.AsyncClient,
    url: str,
    content: bytes,
    headers: dict[str, str] | None = None,
) -> Answer:
    """POST and return a 2xx answer, or raise DeliveryError saying what went wrong.

    Error texts never contain the URL: Slack and Telegram URLs embed secrets.
    """
    try:
        async with client.stream(
            "POST",
            url,
            content=content,
            headers={"Content-Type": "application/json", **(headers or {})},
        ) as response:
            answer = await _read_answer(response)
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    status = answer.status
    if 200 <= status < 300:
        return answer
    message = answer.summary()
    if status >= 500 or status in RETRYABLE:
        raise DeliveryError(message, retry_after=retry_after(answer.retry_after))
    if 300 <= status < 400:
        message += " (redirects are not followed; configure the final address)"
    raise DeliveryError(message, permanent=True)
