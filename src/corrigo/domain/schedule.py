"""When notifications go out: retry delays and digest times (pure functions)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def retry_delay(
    attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1 = the first try).

    The step doubles per attempt up to `cap`; half of it is fixed and half is
    random ("equal jitter"), so deliveries that failed together (a receiver
    went down) come back spread out, but never sooner than half the step.
    """
    step = min(cap, base * 2.0 ** max(0, attempt - 1))
    return step / 2 + rng() * step / 2


def parse_clock(value: str) -> time:
    """A local time of day from ``HH:MM`` (24-hour); raises ValueError otherwise."""
    match = _CLOCK.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a time of day such as 08:30")
    return time(int(match.group(1)), int(match.group(2)))


def zone(name: str) -> ZoneInfo:
    """The IANA time zone called `name`; raises ValueError for unknown names."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone such as Europe/Kyiv or UTC") from None


def next_digest_at(after: datetime, at: time, tz: ZoneInfo) -> datetime:
    """The first moment at or after `after` when the clock in `tz` shows `at`, in UTC.

    In a daylight-saving gap the wall time does not exist; the moment used is
    then the one the same UTC offset as before the change would give.
    """
    local = after.astimezone(tz)
    candidate = datetime.combine(local.date(), at, tzinfo=tz)
    if candidate < local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=tz)
    return candidate.astimezone(UTC)
