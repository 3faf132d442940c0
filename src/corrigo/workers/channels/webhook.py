"""Webhook channel: a signed JSON POST of the event or digest."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from corrigo.workers.channels.base import Target
from corrigo.workers.channels.http import post
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.render import webhook


class WebhookSender:
    """POSTs the event JSON with the id, timestamp and HMAC signature headers."""

    def __init__(self, client: httpx.AsyncClient, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._clock = clock

    async def _post(self, target: Target, event_id: str, event_type: str, body: bytes) -> str:
        # Signed at send time, so a retry hours later carries a fresh timestamp.
        stamp = int(self._clock())
        headers = webhook.headers(event_id, event_type, target.secret, stamp, body)
        answer = await post(self._client, target.address, body, headers)
        return answer.summary()

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """POST one event."""
        return await self._post(
            target, notice.event_id, notice.event_type, webhook.notice_body(notice)
        )

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """POST one digest."""
        return await self._post(
            target, digest.digest_id, webhook.DIGEST_EVENT, webhook.digest_body(digest)
        )
