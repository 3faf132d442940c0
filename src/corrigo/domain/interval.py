"""Intervals written the way operators write them: ``90s``, ``30m``, ``6h``, ``2d``, ``off``."""

from __future__ import annotations

import re

_INTERVAL = re.compile(r"^(\d{1,7})\s*([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
OFF = "off"


def parse_interval(value: str) -> int:
    """Seconds in an interval such as ``6h``; 0 for ``off``. Raises ValueError otherwise."""
    text = value.strip().lower()
    if text == OFF:
        return 0
    match = _INTERVAL.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not an interval such as 90s, 30m, 6h, 2d or off")
    return int(match.group(1)) * _UNIT[match.group(2)]


def format_interval(seconds: int) -> str:
    """The shortest way to write `seconds` for :func:`parse_interval` (``off`` for 0)."""
    if seconds == 0:
        return OFF
    for unit in ("d", "h", "m"):
        if seconds % _UNIT[unit] == 0:
            return f"{seconds // _UNIT[unit]}{unit}"
    return f"{seconds}s"
