"""Telegram channel: Bot API ``sendMessage`` in HTML parse mode."""

from __future__ import annotations

import httpx
import msgspec

from corrigo.workers.channels.base import DeliveryError, Target
from corrigo.workers.channels.http import post
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.render import telegram


class TelegramSender:
    """Calls ``{api_base}/bot{token}/sendMessage`` for the channel's chat id."""

    def __init__(self, client: httpx.AsyncClient, api_base: str) -> None:
        self._client = client
        self._api_base = api_base.rstrip("/")

    async def _send(self, target: Target, text: str) -> str:
        body = msgspec.json.encode(
            {
                "chat_id": target.address,
                "text": text,
                "parse_mode": "HTML",
                # A preview would make Telegram fetch a reader-supplied address.
                "link_preview_options": {"is_disabled": True},
            }
        )
        url = f"{self._api_base}/bot{target.secret}/sendMessage"
        # The bot token is in the URL: `post` never names the URL, and the notifier
        # scrubs the token from whatever the receiver answers (`Target.scrub`).
        answer = await post(self._client, url, body)
        try:
            reply = msgspec.json.decode(answer.body)
        except msgspec.DecodeError:
            raise DeliveryError(
                f"Telegram answered with something that is not JSON ({answer.summary()})"
            ) from None
        if not isinstance(reply, dict) or reply.get("ok") is not True:
            raise DeliveryError(f"Telegram refused the message: {answer.summary()}")
        return answer.summary()

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """Send one event."""
        return await self._send(target, telegram.notice_text(notice))

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """Send one digest."""
        return await self._send(target, telegram.digest_text(digest))
