"""What every sender shares: the channel it sends to and how a send fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from corrigo.workers.notice import Digest, Notice


class DeliveryError(Exception):
    """A send that did not go through.

    `permanent` means trying again cannot help (the address is refused, the
    webhook is gone); `retry_after` is the receiver's own request to wait.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Target:
    """Where one channel sends: its kind, address (or URL, or chat id) and secret."""

    channel_id: int
    kind: str
    address: str
    secret: str

    def scrub(self, text: str) -> str:
        """`text` without this channel's secrets: the secret (a bot token) and the path of
        its URL (Slack's and many webhooks' paths are secrets), for messages editors see."""
        secrets = [self.secret]
        if self.address.startswith(("http://", "https://")):
            secrets += [self.address, urlsplit(self.address).path.rstrip("/")]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "***")
        return text


class Sender(Protocol):
    """Delivers notices and digests to channels of one kind.

    Both methods return the receiver's answer in a line (``HTTP 200: ok``, the SMTP
    server's reply), shown by a channel test; they raise DeliveryError when the
    message did not go through.
    """

    async def send_notice(self, target: Target, notice: Notice) -> str:
        """Send one event."""

    async def send_digest(self, target: Target, digest: Digest) -> str:
        """Send one digest."""
