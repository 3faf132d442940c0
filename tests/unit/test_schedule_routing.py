"""Retry delays, digest times and routing rules (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from corrigo.domain.routing import RouteRule, author_matches, normalize_prefix, route
from corrigo.domain.schedule import next_digest_at, parse_clock, retry_delay, zone


def test_retry_delay_doubles_is_capped_and_jittered_within_half_a_step() -> None:
    assert retry_delay(1, 30, 3600, rng=lambda: 0.0) == 15
    assert retry_delay(1, 30, 3600, rng=lambda: 1.0) == 30
    assert retry_delay(3, 30, 3600, rng=lambda: 1.0) == 120
    assert retry_delay(20, 30, 3600, rng=lambda: 1.0) == 3600
    assert retry_delay(20, 30, 3600, rng=lambda: 0.0) == 1800
    spread = {round(retry_delay(2, 30, 3600), 6) for _ in range(50)}
    assert len(spread) > 40 and all(30 <= value <= 60 for value in spread)


@pytest.mark.parametrize("bad", ["24:00", "9:00", "09:60", "0900", "", "ab:cd", "09:00:00"])
def test_parse_clock_refuses_anything_but_hh_mm(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def test_zone_refuses_unknown_names() -> None:
    assert zone("Europe/Kyiv").key == "Europe/Kyiv"
    for bad in ("Mars/Olympus", "../etc/passwd", ""):
        with pytest.raises(ValueError):
            zone(bad)


def test_next_digest_is_the_next_local_wall_time_in_utc() -> None:
    kyiv = zone("Europe/Kyiv")  # UTC+2 in winter, UTC+3 in summer
    winter = datetime(2026, 1, 10, 5, 0, tzinfo=UTC)  # 07:00 in Kyiv
    assert next_digest_at(winter, time(9, 0), kyiv) == datetime(2026, 1, 10, 7, 0, tzinfo=UTC)
    late = datetime(2026, 1, 10, 8, 0, tzinfo=UTC)  # 10:00 in Kyiv: tomorrow's
    assert next_digest_at(late, time(9, 0), kyiv) == datetime(2026, 1, 11, 7, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 10, 5, 0, tzinfo=UTC)
    assert next_digest_at(summer, time(9, 0), kyiv) == datetime(2026, 7, 10, 6, 0, tzinfo=UTC)
    exact = datetime(2026, 1, 10, 7, 0, tzinfo=UTC)
    assert next_digest_at(exact, time(9, 0), kyiv) == exact
    # Across the night of the spring change (29 March 2026 in Europe), the wall time holds.
    before = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    assert next_digest_at(before, time(9, 0), kyiv) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    new_york = zone("America/New_York")
    assert next_digest_at(winter, time(9, 0), new_york) == datetime(2026, 1, 10, 14, 0, tzinfo=UTC)


def test_prefixes_are_urls_or_paths() -> None:
    assert normalize_prefix(" HTTPS://News.Example/Sport/ ") == "https://news.example/Sport/"
    assert normalize_prefix("/sport/") == "/sport/"
    assert normalize_prefix("") == ""
    for bad in ("news.example/sport", "ftp://news.example/", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            normalize_prefix(bad)


def test_author_matches_one_of_several_names_ignoring_case_and_spacing() -> None:
    assert author_matches("Jane Roe", "jane  roe")
    assert author_matches("Jane Roe", "John Doe, Jane Roe and Ann Poe")
    assert author_matches("Jane Roe", "John Doe & JANE ROE")
    assert not author_matches("Jane Roe", "Jane Roesler")
    assert not author_matches("Ann", "Anne Anderson")
    assert not author_matches("", "Jane Roe")


RULES = [
    RouteRule(1),  # default
    RouteRule(2, url_prefix="https://news.example/sport/"),
    RouteRule(3, author="Jane Roe"),
    RouteRule(4, url_prefix="/culture/", author="Ann Poe"),
    RouteRule(5),  # a second default
]


@pytest.mark.parametrize(
    ("url", "author", "expected"),
    [
        ("https://news.example/politics/x", "", [1, 5]),
        ("https://news.example/sport/match", "", [2]),
        ("https://news.example/sport/match", "Jane Roe", [2, 3]),
        ("https://news.example/politics/x", "Jane Roe", [3]),
        ("https://news.example/culture/film", "Ann Poe", [4]),
        ("https://news.example/culture/film", "Someone Else", [1, 5]),
        ("https://other.example/sport/match", "", [1, 5]),
        ("https://news.example/sports/match", "", [1, 5]),
    ],
)
def test_routed_channels_take_matching_pages_and_defaults_take_the_rest(
    url: str, author: str, expected: list[int]
) -> None:
    assert route(RULES, url, author) == expected


def test_no_channels_route_nowhere() -> None:
    assert route([], "https://news.example/", "") == []
    assert route([RouteRule(2, url_prefix="/sport/")], "https://news.example/x", "") == []
