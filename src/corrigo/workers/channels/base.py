"""What every sender shares: the channel it sends to and how a send fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

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


class Sender(Protocol):
    """Delivers notices and digests to channels of one kind."""

    async def send_notice(self, target: Target, notice: Notice) -> None:
        """Send one event; raise DeliveryError when it did not go through."""

    async def send_digest(self, target: Target, digest: Digest) -> None:
        """Send one digest; raise DeliveryError when it did not go through."""
