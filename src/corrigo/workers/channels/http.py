"""POSTing to webhooks, Slack and Telegram, and sorting failures into retry or give up."""

from __future__ import annotations

import email.utils
import logging
import time
from datetime import UTC

import httpx

from corrigo.workers.channels.base import DeliveryError

# Statuses that say "try later"; any other 4xx means the request itself is refused.
RETRYABLE = frozenset({408, 425, 429})
ERROR_SNIPPET = 300
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
    """The start of a receiver's answer, on one line, for the delivery's last error."""
    return " ".join(text.split())[:ERROR_SNIPPET]


async def post(
    client: httpx.AsyncClient,
    url: str,
    content: bytes,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST and return a 2xx response, or raise DeliveryError saying what went wrong.

    Error texts never contain the URL: Slack and Telegram URLs embed secrets.
    """
    try:
        response = await client.post(
            url, content=content, headers={"Content-Type": "application/json", **(headers or {})}
        )
    except httpx.TimeoutException as exc:
        raise DeliveryError(f"timed out ({type(exc).__name__})") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    message = f"HTTP {status}: {snippet(response.text)}".rstrip(": ")
    if status >= 500 or status in RETRYABLE:
        raise DeliveryError(message, retry_after=retry_after(response.headers.get("retry-after")))
    if 300 <= status < 400:
        message += " (redirects are not followed; configure the final address)"
    raise DeliveryError(message, permanent=True)
