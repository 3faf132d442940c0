"""Keyed hashing of reader addresses: limits and abuse handling without storing IPs."""

from __future__ import annotations

import hashlib
import hmac


def reader_hash(salt: str, address: str) -> str:
    """HMAC-SHA256 of a client address with the day's random salt, shortened.

    The salt is random, kept for two days at most, so a stored hash cannot be
    turned back into an address by anyone, including the operator, later on.
    """
    return hmac.new(salt.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
