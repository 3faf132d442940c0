"""The arithmetic behind the statistics page."""

from __future__ import annotations

from datetime import date

import pytest

from corrigo.domain.trends import (
    day_range,
    duration_bucket,
    duration_parts,
    fill_days,
    median,
    middle,
    rebucket,
    section_of,
    top_counts,
)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5], 5.0), ([3, 1, 2], 2.0), ([4, 1, 3, 2], 2.5), ([1, 1, 100], 1.0)],
)
def test_median(values: list[float], expected: float | None) -> None:
    assert median(values) == expected


def test_days_are_filled_with_zeros() -> None:
    first, last = date(2026, 2, 27), date(2026, 3, 2)
    assert day_range(first, last) == [
        date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)
    ]  # fmt: skip
    assert fill_days(first, last, {date(2026, 3, 1): 4, date(2025, 1, 1): 9}) == [0, 0, 4, 0]


def test_rebucket_sums_weeks_ending_with_a_whole_one() -> None:
    starts, sums = rebucket(date(2026, 1, 1), list(range(10)), 7)
    # The short bucket is the oldest (3 days), the latest is a whole week.
    assert starts == [date(2026, 1, 1), date(2026, 1, 4)]
    assert sums == [0 + 1 + 2, 3 + 4 + 5 + 6 + 7 + 8 + 9]
    assert rebucket(date(2026, 1, 1), list(range(14)), 7)[1] == [21, 70]
    assert rebucket(date(2026, 1, 1), [], 7) == ([], [])
    assert rebucket(date(2026, 1, 1), [1, 2], 1) == ([date(2026, 1, 1), date(2026, 1, 2)], [1, 2])
    with pytest.raises(ValueError):
        rebucket(date(2026, 1, 1), [1], 0)


@pytest.mark.parametrize(
    ("url", "section"),
    [
        ("https://News.example/politics/2026/11/budget", "news.example/politics/"),
        ("https://news.example/politics/", "news.example/politics/"),
        ("https://news.example/about", "news.example/"),
        ("https://news.example/", "news.example/"),
        ("https://news.example/sport/?id=5", "news.example/sport/"),
        ("https://news.example//double//slash/x", "news.example/double/"),
    ],
)
def test_section_of(url: str, section: str) -> None:
    assert section_of(url) == section


def test_section_depth() -> None:
    assert section_of("https://n.example/a/b/c/page", depth=2) == "n.example/a/b/"


def test_top_counts_rank_with_ties_by_name() -> None:
    totals = {"n.example/politics/": 5, "n.example/sport/": 4, "n.example/": 1,
              "m.example/politics/": 5}  # fmt: skip
    # Ties are broken by name, so the order is stable.
    assert top_counts(totals, 3) == [
        ("m.example/politics/", 5), ("n.example/politics/", 5), ("n.example/sport/", 4)
    ]  # fmt: skip
    assert top_counts(totals, 10)[-1] == ("n.example/", 1)


@pytest.mark.parametrize(
    ("seconds", "parts"),
    [(90, (1.5, "minutes")), (3 * 3600, (3.0, "hours")), (5 * 86400, (5.0, "days"))],
)
def test_duration_parts(seconds: float, parts: tuple[float, str]) -> None:
    assert duration_parts(seconds) == parts


def test_duration_buckets_keep_the_order_of_durations() -> None:
    durations = [-5.0, 0.0, 0.5, 1.0, 1.04, 1.06, 59.9, 60.0, 3600.0, 86_400.0, 3.2e7]
    buckets = [duration_bucket(seconds) for seconds in durations]
    assert buckets == sorted(buckets)
    assert buckets[0] == buckets[2] == 0 and buckets[-1] > buckets[-2]


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([7.0], 7.0), ([1.0, 2.0, 3.0], 2.0), ([4.0, 1.0, 100.0, 2.5], 3.25)],
)
def test_middle_places_give_the_median(values: list[float], expected: float | None) -> None:
    by_bucket: dict[int, list[float]] = {}
    for value in values:
        by_bucket.setdefault(duration_bucket(value), []).append(value)
    places = middle({bucket: len(found) for bucket, found in by_bucket.items()})
    chosen = [sorted(by_bucket[bucket])[index] for bucket, index in places]
    assert (sum(chosen) / len(chosen) if chosen else None) == expected == median(values)
