"""Keyed hashing of reader addresses: limits and abuse handling without storing IPs."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta


def reader_hash(salt: str, address: str) -> str:
    """HMAC-SHA256 of a client address with the day's random salt, shortened.

    The salt is random, kept for two days at most, so a stored hash cannot be
    turned back into an address by anyone, including the operator, later on.
    """
    return hmac.new(salt.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


class DailyHasher:
    """:func:`reader_hash` with one day's salt, keyed once and valid until UTC midnight.

    Keying HMAC and formatting the date on every request is work the ingest
    repeats thousands of times a second; this does it once a day.
    """

    def __init__(self, day: str, salt: str) -> None:
        self.day = day
        start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)
        self.expires = (start + timedelta(days=1)).timestamp()
        self._keyed = hmac.new(salt.encode(), digestmod=hashlib.sha256)

    def valid_at(self, timestamp: float) -> bool:
        """Whether this salt is still the day's salt at `timestamp` (seconds since the epoch)."""
        return timestamp < self.expires

    def hash(self, address: str) -> str:
        """The same value as ``reader_hash(salt, address)``."""
        keyed = self._keyed.copy()
        keyed.update(address.encode())
        return keyed.hexdigest()[:32]
