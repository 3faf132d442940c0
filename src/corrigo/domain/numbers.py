"""Whole numbers read from text a client sent: ASCII digits only, within bounds.

``str.isdigit()`` accepts characters such as ``²`` (which ``int()`` refuses) and
``int()`` accepts ``٣``, ``" 3"`` and ``"1_0"``; none of these is a number a form,
a query string or a cookie of ours ever holds. Every id or count read from a
request goes through :func:`parse_whole` or :func:`parse_id`.
"""

from __future__ import annotations

import re

# Ids are stored in signed 64-bit columns (BIGINT): 1 .. 2**63 - 1.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_whole(raw: str, low: int, high: int) -> int | None:
    """`raw` as a whole number from `low` to `high`, or None when it is anything else."""
    if not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def parse_id(raw: str) -> int | None:
    """`raw` as a row id (ASCII digits, 1 .. 2**63 - 1), or None when it is not one."""
    return parse_whole(raw, 1, MAX_ID)


def parse_ids(raws: list[str]) -> list[int] | None:
    """Every item of `raws` as a row id, or None when any of them is not one."""
    ids = [parse_id(raw) for raw in raws]
    return None if None in ids else [value for value in ids if value is not None]


def whole_id(value: int | float) -> int | None:
    """A JSON number as a row id: whole (3 or 3.0, like JSON Schema's integers) and in range."""
    if isinstance(value, float) and not value.is_integer():
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
