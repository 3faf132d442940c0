"""Rate limits for readers and sites, on the `limits` library (memory or Redis storage)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, storage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True, slots=True)
class Refusal:
    """Which limit was hit and how many seconds until a retry can succeed."""

    scope: str
    limit: str
    retry_after: int

    @property
    def in_words(self) -> str:
        """When to try again, in English words: "in 40 seconds", "in 2 minutes", "in 1 hour".

        Rounded up to whole seconds below 90 s, minutes below 90 min, else hours
        (the widget words other languages the same way from `retry_after`).
        """
        wait = max(1, self.retry_after)
        if wait < 90:
            count, unit = wait, "second"
        elif wait < 5400:
            count, unit = math.ceil(wait / 60), "minute"
        else:
            count, unit = math.ceil(wait / 3600), "hour"
        return f"in {count} {unit}{'' if count == 1 else 's'}"


class Limiter:
    """Checks and counts hits against several limits at once."""

    def __init__(self, storage_uri: str) -> None:
        self._storage = storage.storage_from_string(storage_uri)
        self._strategy = MovingWindowRateLimiter(self._storage)

    def hit(self, scope: str, key: str, limits: list[RateLimitItem]) -> Refusal | None:
        """Count one hit for `key` unless a limit is already reached; return the refusal if so."""
        for item in limits:
            if not self._strategy.test(item, scope, key):
                reset, _remaining = self._strategy.get_window_stats(item, scope, key)
                wait = max(1, math.ceil(reset - time.time()))
                return Refusal(scope=scope, limit=str(item), retry_after=wait)
        for item in limits:
            self._strategy.hit(item, scope, key)
        return None

    def reset(self) -> None:
        """Forget every count (tests, and `corrigo` admin tools)."""
        self._storage.reset()
