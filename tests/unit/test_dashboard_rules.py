"""Small rules of the dashboard that need no server: cursors, decisions, redirects, patterns."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from corrigo.http.dashboard.account import safe_next
from corrigo.http.dashboard.actions import with_notice
from corrigo.store.inbox import Cursor, InboxError, InboxFilter, like_pattern
from corrigo.store.triage import Decision, TriageError, action_named


def test_cursor_round_trip_keeps_microseconds() -> None:
    cursor = Cursor("rejected", 17, datetime(2024, 5, 31, 23, 59, 59, 999_999, tzinfo=UTC), 2**40)
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize(
    "value",
    ["", "garbage", "b3Blbjox", "Zm9vOjE6Mjoz", "b3BlbjoxOjI6OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "☃"],
)
def test_bad_cursors_are_refused(value: str) -> None:
    with pytest.raises(InboxError) as refused:
        Cursor.decode(value)
    assert refused.value.field == "after"


def test_filter_checks() -> None:
    with pytest.raises(InboxError):
        InboxFilter(status="deleted")
    # A range that ends before it starts is empty, not an error (the API's document says so).
    InboxFilter(since=datetime(2024, 2, 2).date(), until=datetime(2024, 2, 1).date())
    with pytest.raises(InboxError):
        InboxFilter(search="x" * 201)


def test_like_patterns_are_literal() -> None:
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
    assert like_pattern("https://a.example/x_", prefix_only=True) == "https://a.example/x\\_%"


def test_decisions() -> None:
    assert Decision(action_named("reject")).status == "rejected"
    assert Decision(action_named("reopen")).status == "open"
    with pytest.raises(TriageError):
        action_named("delete")
    with pytest.raises(TriageError):
        Decision(action_named("fixed"), "x" * 2001)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/dashboard/groups/3", "/dashboard/groups/3"),
        ("/dashboard/?q=a", "/dashboard/?q=a"),
        (None, "/dashboard/"),
        ("https://evil.example/dashboard", "/dashboard/"),
        ("//evil.example/dashboard", "/dashboard/"),
        ("/dashboard//evil.example", "/dashboard/"),
        ("/dashboard\\@evil", "/dashboard/"),
        ("/dashboard/\r\nSet-Cookie: x", "/dashboard/"),
        ("/api/v1/groups", "/dashboard/"),
    ],
)
def test_redirect_targets_stay_in_the_dashboard(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_notice_parameters_replace_old_ones() -> None:
    assert with_notice("/dashboard/?q=a&done=spam&n=9", "fixed", 2) == (
        "/dashboard/?q=a&done=fixed&n=2"
    )
