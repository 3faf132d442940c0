"""Slack channel: an incoming-webhook message."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from corrigo.workers.channels.base import Target
from corrigo.workers.channels.http import post
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.render import slack


class SlackSender:
    """POSTs mrkdwn messages to a Slack incoming-webhook URL."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def _post(self, target: Target, payload: dict[str, Any]) -> str:
        answer = await post(self._client, target.address, msgspec.json.encode(payload))
        return answer.summary()

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """Post one event."""
        return await self._post(target, slack.notice_payload(notice))

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """Post one digest."""
        return await self._post(target, slack.digest_payload(digest))
