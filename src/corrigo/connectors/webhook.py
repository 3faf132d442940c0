"""The fix webhook: a signed ``fix.requested`` event that any CMS can act on.

The body carries the group, the quote with its context, the correction and an
idempotency key; it is signed like notification webhooks (HMAC-SHA256 over the
timestamp, a dot and the body, see :mod:`corrigo.workers.render.webhook`). The
receiver answers 2xx with ``{"applied": true, "revision": "…"}`` or
``{"applied": false, "reason": "…"}``. A timeout, a connection failure, 429 or
5xx is tried again (at most three attempts in all) with the same key, so the
receiver can apply each fix once.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import msgspec

from corrigo.connectors.base import ConnectorError, DelegatingConnector, Fix, Written
from corrigo.connectors.http import make_client, request
from corrigo.net.fetch import TIMEOUT
from corrigo.workers.render import webhook

FIX_EVENT = "fix.requested"
PING_EVENT = "ping"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ATTEMPTS = 3
RETRY_STATUSES = frozenset({408, 425, 429})
MAX_REASON = 300


def idempotency_key(fix: Fix) -> str:
    """The same key for the same correction of the same words of the same group."""
    parts = (fix.site_key, str(fix.group_id), fix.quote.prefix, fix.quote.exact)
    material = "\x1f".join((*parts, fix.quote.suffix, fix.correction))
    return str(uuid.UUID(bytes=hashlib.sha256(material.encode()).digest()[:16], version=5))


def fix_body(fix: Fix, key: str, now: datetime) -> bytes:
    """The ``fix.requested`` event's JSON body."""
    quote = fix.quote
    return msgspec.json.encode(
        {
            "id": key,
            "type": FIX_EVENT,
            "created_at": now.isoformat(),
            "idempotency_key": key,
            "site": {"key": fix.site_key},
            "group": {
                "id": fix.group_id,
                "url": fix.url,
                "quote": {"exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
            },
            "correction": fix.correction,
            "editor": fix.editor_email,
        }
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_REASON]


class WebhookConnector(DelegatingConnector):
    """POSTs signed fix requests to the site's own receiver."""

    kind: ClassVar[str] = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        timeout: float = TIMEOUT,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url, self._secret, self._timeout, self._pause = url, secret, timeout, pause

    def _send(self, event_id: str, event_type: str, body: bytes) -> dict[str, Any]:
        """POST with retries; the receiver's 2xx JSON answer."""
        last: ConnectorError | None = None
        with make_client(self._timeout) as client:
            for attempt in range(ATTEMPTS):
                if attempt:
                    self._pause(0.5 * 2 ** (attempt - 1))
                # Signed per attempt, so a retry carries a fresh timestamp and the same id.
                headers = webhook.headers(
                    event_id, event_type, self._secret, int(time.time()), body
                )
                headers[IDEMPOTENCY_HEADER] = event_id
                try:
                    status, answer = request(
                        client, "POST", self.url, content=body, headers=headers
                    )
                except ConnectorError as error:
                    if error.why != "network":
                        raise
                    last = error
                    continue
                if status >= 500 or status in RETRY_STATUSES:
                    last = ConnectorError("network", f"The receiver answered HTTP {status}.")
                    continue
                if not 200 <= status < 300:
                    text = _one_line(answer.decode("utf-8", "replace"))
                    raise ConnectorError("refused", f"The receiver answered HTTP {status}: {text}")
                try:
                    decoded = msgspec.json.decode(answer) if answer.strip() else {}
                except msgspec.DecodeError:
                    raise ConnectorError("refused", "The receiver's answer is not JSON.") from None
                return decoded if isinstance(decoded, dict) else {}
        assert last is not None
        raise ConnectorError("network", f"{last.message} (after {ATTEMPTS} attempts)")

    def check(self) -> str:
        """Send a signed ``ping``; any 2xx answer will do."""
        ping = str(uuid.uuid4())
        body = msgspec.json.encode({"id": ping, "type": PING_EVENT})
        self._send(ping, PING_EVENT, body)
        return f"the receiver at {self.url} answered the ping"

    def request(self, fix: Fix) -> Written:
        """Send ``fix.requested``; the receiver's revision, or its reason as a refusal."""
        key = idempotency_key(fix)
        answer = self._send(key, FIX_EVENT, fix_body(fix, key, datetime.now(UTC)))
        if answer.get("applied") is True:
            return Written(_one_line(str(answer.get("revision", ""))), self.url)
        reason = answer.get("reason")
        text = (
            _one_line(reason) if isinstance(reason, str) and reason.strip() else "no reason given"
        )
        raise ConnectorError("refused", f"The CMS did not apply it: {text}")
