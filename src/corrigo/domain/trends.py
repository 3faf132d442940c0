"""Pure arithmetic behind the statistics page: medians, day series, URL sections."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise


def median(values: Sequence[float]) -> float | None:
    """The median of `values` (mean of the two middle ones for an even count); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


# Durations are counted in buckets 5 % wide, so that a median needs only its bucket's values.
_BUCKET_WIDTH = math.log(1.05)


def duration_bucket(seconds: float) -> int:
    """The bucket of a duration; longer durations never fall in a lower bucket."""
    if seconds < 1:
        return 0
    return 1 + int(math.log(seconds) / _BUCKET_WIDTH)


def middle(counts: Mapping[int, int]) -> list[tuple[int, int]]:
    """Where the median's values stand: (bucket, index among the bucket's sorted values).

    `counts` is how many values each bucket holds; one place for an odd total,
    the two middle ones for an even total, none when there are no values.
    """
    total = sum(counts.values())
    ranks = [total // 2] if total % 2 else [total // 2 - 1, total // 2] if total else []
    places = []
    before = 0
    for bucket in sorted(counts):
        for rank in ranks:
            if before <= rank < before + counts[bucket]:
                places.append((bucket, rank - before))
        before += counts[bucket]
    return places


def day_range(first: date, last: date) -> list[date]:
    """Every calendar day from `first` to `last`, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def fill_days(first: date, last: date, counts: Mapping[date, int]) -> list[int]:
    """One count per day from `first` to `last`; days without rows count 0."""
    return [counts.get(day, 0) for day in day_range(first, last)]


def rebucket(first: date, values: Sequence[int], size: int) -> tuple[list[date], list[int]]:
    """Sum a day series into buckets of `size` days; returns each bucket's first day and sum.

    Buckets are counted back from the last day, so the latest one is whole and a
    short bucket, if any, is the oldest: a dip at the end would read as a drop.
    """
    if size < 1:
        raise ValueError("bucket size must be at least one day")
    head = len(values) % size
    bounds = ([0] if head else []) + list(range(head, len(values) + 1, size))
    starts = [first + timedelta(days=start) for start in bounds[:-1]]
    sums = [sum(values[start:end]) for start, end in pairwise(bounds)]
    return starts, sums


def section_of(url: str, depth: int = 1) -> str:
    """The site section a page belongs to: host plus its first `depth` folders.

    ``https://news.example/politics/2026/budget`` is in ``news.example/politics/``;
    a page directly under the root (``/about``) is in ``news.example/``. Called
    once per page with misprints, so it slices the (normalised) address instead
    of parsing it in full.
    """
    host, _slash, rest = url.partition("://")[2].partition("/")
    path = rest.split("?", 1)[0].split("#", 1)[0]
    folders = [segment for segment in path.split("/")[:-1] if segment]
    section = "/".join(folders[:depth])
    return f"{host.lower()}/{section}{'/' if section else ''}"


def top_counts(totals: Mapping[str, int], limit: int) -> list[tuple[str, int]]:
    """The `limit` largest counts; ties by name (code-point order), so the order is stable."""
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]


def duration_parts(seconds: float) -> tuple[float, str]:
    """A duration as (amount, unit) with unit 'minutes', 'hours' or 'days', whichever reads best."""
    if seconds < 2 * 3600:
        return round(seconds / 60, 1), "minutes"
    if seconds < 72 * 3600:
        return round(seconds / 3600, 1), "hours"
    return round(seconds / 86400, 1), "days"
