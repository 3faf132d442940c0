"""The arithmetic behind the statistics page."""

from __future__ import annotations

from datetime import date

import pytest

from corrigo.domain.trends import (
    day_range,
    duration_parts,
    fill_days,
    median,
    rebucket,
    section_of,
    top_sections,
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


def test_top_sections_fold_pages_and_rank() -> None:
    pages = [
        ("https://n.example/politics/a", 3),
        ("https://n.example/politics/b", 2),
        ("https://n.example/sport/c", 4),
        ("https://n.example/home", 1),
        ("https://m.example/politics/d", 5),
    ]
    # Ties are broken by name, so the order is stable.
    assert top_sections(pages, 3) == [
        ("m.example/politics/", 5), ("n.example/politics/", 5), ("n.example/sport/", 4)
    ]  # fmt: skip
    assert top_sections(pages, 10)[-1] == ("n.example/", 1)


@pytest.mark.parametrize(
    ("seconds", "parts"),
    [(90, (1.5, "minutes")), (3 * 3600, (3.0, "hours")), (5 * 86400, (5.0, "days"))],
)
def test_duration_parts(seconds: float, parts: tuple[float, str]) -> None:
    assert duration_parts(seconds) == parts
