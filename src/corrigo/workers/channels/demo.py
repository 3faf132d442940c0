"""The demo's mailbox channel: the e-mail channel's message, kept in the store instead of sent.

The message is rendered and built exactly as for SMTP (same templates, same MIME
and headers); only the last step differs, so the demo shows what editors would get.
"""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
from sqlalchemy import Engine

from corrigo.config import Settings
from corrigo.store.demo_mailbox import keep_message
from corrigo.workers.channels.base import Target
from corrigo.workers.channels.email import build_message
from corrigo.workers.notice import Digest, Notice
from corrigo.workers.render.email import EmailContent, digest_email, notice_email


class DemoMailboxSender:
    """Keeps each message in the demo's mailbox table (see `corrigo.store.demo_mailbox`)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self._settings = settings
        self._engine = engine

    async def _keep(self, target: Target, message_id: str, content: EmailContent) -> str:
        message = build_message(self._settings.smtp_from, target.address, message_id, content)

        def store() -> int:
            with self._engine.begin() as conn:
                return keep_message(
                    conn, target.channel_id, target.address, message, datetime.now(UTC)
                )

        number = await anyio.to_thread.run_sync(store)
        return f"kept in the demo mailbox as message {number}"

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """Keep the e-mail for one event."""
        return await self._keep(target, notice.event_id, notice_email(notice))

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """Keep the e-mail for one digest."""
        return await self._keep(target, digest.digest_id, digest_email(digest))
