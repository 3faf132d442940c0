"""Rate limits on the `limits` library: per process in memory, or shared in Redis.

A shared storage is a dependency that can fail, and rate limiting must never cost
a report or freeze the server. Every call to it is asynchronous and bounded by a
timeout; a failure opens a circuit breaker, and while it is open the limits are
counted per process in memory (the README's "Rate limits when Redis fails").
After a cool-down one request probes the storage again; a success closes the
breaker. `/healthz` and `/metrics` show which storage counts.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from limits import RateLimitItem, WindowStats, storage
from limits.aio.strategies import MovingWindowRateLimiter as AsyncMovingWindow
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")


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


class Strategy(Protocol):
    """The three calls Corrigo makes of a moving-window limiter."""

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether one more hit would stay within `item`."""

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one hit (False, uncounted, when `item` is already reached)."""

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """When the window resets and how many hits remain."""


class LocalStrategy:
    """The in-process moving window behind the same asynchronous calls as Redis's."""

    def __init__(self) -> None:
        self._storage = storage.MemoryStorage()
        self._strategy = MovingWindowRateLimiter(self._storage)

    async def test(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Whether one more hit would stay within `item`."""
        return self._strategy.test(item, *identifiers)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Count one hit."""
        return self._strategy.hit(item, *identifiers)

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """When the window resets and how many hits remain."""
        return self._strategy.get_window_stats(item, *identifiers)

    def reset(self) -> None:
        """Forget every count."""
        self._storage.reset()


class Breaker:
    """A circuit breaker: closed, open for `cooldown` seconds after a failure, then one probe."""

    def __init__(self, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._cooldown = cooldown
        self._clock = clock
        self._open_until: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Whether the storage is being avoided (open, or half-open while one probe runs)."""
        return self._open_until is not None

    def allows(self) -> bool:
        """Whether this call may use the storage; after the cool-down only one caller at a time."""
        if self._open_until is None:
            return True
        if self._probing or self._clock() < self._open_until:
            return False
        self._probing = True
        return True

    def succeeded(self) -> None:
        """The storage answered: close."""
        self._open_until = None
        self._probing = False

    def failed(self) -> None:
        """The storage failed or was too slow: open for the cool-down."""
        self._open_until = self._clock() + self._cooldown
        self._probing = False


def _shared_strategy(storage_uri: str, timeout: float) -> AsyncMovingWindow | None:
    """The asynchronous limiter on a shared storage; None for ``memory://``."""
    if storage_uri.startswith("memory://"):
        return None
    options: dict[str, float | str | bool] = {}
    if storage_uri.startswith(("redis", "rediss")):
        # redis-py's own timeouts end a dead connection's call too, not only ours.
        options = {
            "implementation": "redispy",
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
    shared = storage.storage_from_string(f"async+{storage_uri}", **options)
    return AsyncMovingWindow(shared)


async def _refusal(
    strategy: Strategy, scope: str, key: str, limits: list[RateLimitItem]
) -> Refusal | None:
    """The first of `limits` that `key` has reached, as a refusal; None when none is."""
    for item in limits:
        if not await strategy.test(item, scope, key):
            reset, _remaining = await strategy.get_window_stats(item, scope, key)
            wait = max(1, math.ceil(reset - time.time()))
            return Refusal(scope=scope, limit=str(item), retry_after=wait)
    return None


class Limiter:
    """Checks and counts hits against several limits, never waiting on a failing storage."""

    def __init__(self, storage_uri: str, timeout: float = 0.25, cooldown: float = 5.0) -> None:
        self._shared: Strategy | None = _shared_strategy(storage_uri, timeout)
        self._local = LocalStrategy()
        self._timeout = timeout
        self.breaker = Breaker(cooldown)
        self.storage_errors = 0

    @property
    def storage(self) -> str:
        """Which storage counts now: ``memory``, ``shared``, or ``fallback`` (shared failed)."""
        if self._shared is None:
            return "memory"
        return "fallback" if self.breaker.is_open else "shared"

    async def _run(self, call: Callable[[Strategy], Awaitable[T]]) -> T:
        """`call` on the shared storage when it is healthy and quick, else in memory."""
        if self._shared is not None and self.breaker.allows():
            try:
                async with asyncio.timeout(self._timeout):
                    result = await call(self._shared)
            except Exception as error:  # any failure of the storage: refused, silent, broken
                self.breaker.failed()
                self.storage_errors += 1
                log.warning("rate-limit storage failed (%r); counting per process", error)
            except BaseException:  # cancelled: let the next caller probe again later
                self.breaker.failed()
                raise
            else:
                self.breaker.succeeded()
                return result
        return await call(self._local)

    async def hit(self, scope: str, key: str, limits: list[RateLimitItem]) -> Refusal | None:
        """Count one hit for `key` unless a limit is already reached; return the refusal if so."""
        if not limits:
            return None

        async def check_and_count(strategy: Strategy) -> Refusal | None:
            refusal = await _refusal(strategy, scope, key, limits)
            if refusal is None:
                for item in limits:
                    await strategy.hit(item, scope, key)
            return refusal

        return await self._run(check_and_count)

    async def check(self, scope: str, key: str, limits: list[RateLimitItem]) -> Refusal | None:
        """The refusal if `key` already reached one of `limits`, without counting a hit."""
        if not limits:
            return None
        return await self._run(lambda strategy: _refusal(strategy, scope, key, limits))

    async def count(self, scope: str, key: str, limits: list[RateLimitItem]) -> None:
        """Count one hit for `key` against `limits` without checking them."""

        async def add(strategy: Strategy) -> None:
            for item in limits:
                await strategy.hit(item, scope, key)

        await self._run(add)

    async def used(self, scope: str, key: str, limits: list[RateLimitItem]) -> int:
        """The most hits `key` has in the current window of any of `limits`."""

        async def read(strategy: Strategy) -> int:
            most = 0
            for item in limits:
                _reset, remaining = await strategy.get_window_stats(item, scope, key)
                most = max(most, item.amount - remaining)
            return most

        return await self._run(read)

    def reset(self) -> None:
        """Forget the per-process counts (tests)."""
        self._local.reset()
