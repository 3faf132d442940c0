"""The dashboard on a phone (390 × 844, touch): cards, one Filters button, a reachable bulk
bar, nothing wider than the screen, no word split, tap targets of 44 × 44 px, axe-clean."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import run_axe
from tests.browser.dashboard_helpers import send_report, sign_in
from tests.browser.phone_checks import layout_problems
from tests.conftest import LiveServer
from tests.dashboard.helpers import failed_delivery

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
PAGES = [
    "/dashboard/",
    "/dashboard/groups/{group}",
    "/dashboard/deliveries",
    "/dashboard/admin/channels",
    "/dashboard/admin/sites",
    "/dashboard/admin/editors",
    "/dashboard/account",
    "/dashboard/stats",
]


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a phone-sized touch context."""
    return new_context(**PHONE).new_page()


def seed(server: LiveServer) -> int:
    """Misprints with long context, comments and suggestions, and a failed delivery."""
    group = send_report(
        server,
        "transpot",
        quote={
            "exact": "transpot",
            "prefix": "ance and by a regional publicly ",
            "suffix": " grant it was finished in March b",
        },
        comment="Should be transport, the whole paragraph reads oddly too",
        suggestion="transport",
    )
    for word in ("intergration", "councel", "recieved", "absolutly"):
        send_report(server, word, comment="typo")
    failed_delivery(
        server.settings,
        "demo",
        group,
        "newsdesk-with-a-long-address@news.example",
        "SMTP connection refused by mail.news.example port 25",
    )
    return group


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_a_phone(phone: Page, demo_server: LiveServer, path: str) -> None:
    group = seed(demo_server)
    sign_in(phone, demo_server)
    missing: list[str] = []
    phone.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))
    phone.goto(demo_server.url + path.format(group=group))
    assert layout_problems(phone) == {}
    assert missing == []  # not even a favicon
    violations = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]]) for v in run_axe(phone)
    ]
    assert violations == []


def test_inbox_is_cards_with_filters_behind_one_button(
    phone: Page, demo_server: LiveServer
) -> None:
    seed(demo_server)
    sign_in(phone, demo_server)
    card = phone.locator(".group-row", has_text="transpot")
    # The card holds the quote in context (cut at words, "…"), the suggestion, the facts.
    expect(card.locator(".context")).to_have_text(
        "…and by a regional publicly transpot grant it was finished in March…"
    )
    # The readers' correction: as the proposal once the proposer has seen it, else as theirs.
    expect(card.locator(".proposal, .suggestion").first).to_contain_text("transport")
    expect(card.locator(".status")).to_have_text("Open")
    expect(card.locator(".readers")).to_have_text("1 reader")
    expect(card.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    box = card.bounding_box()
    assert box is not None and box["width"] <= 390
    # The filters wait behind one button.
    expect(phone.locator("#f-status")).to_be_hidden()
    phone.get_by_text("Filters", exact=True).click()
    expect(phone.locator("#f-status")).to_be_visible()
    assert layout_problems(phone) == {}


def test_bulk_bar_stays_reachable_while_scrolling(phone: Page, demo_server: LiveServer) -> None:
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike nov"
    for word in words.split():
        send_report(demo_server, word, comment="a comment long enough to wrap")
    sign_in(phone, demo_server)
    rows = phone.locator(".group-row")
    expect(rows).to_have_count(14)
    rows.nth(0).locator(".pick-box").tap()
    rows.nth(12).scroll_into_view_if_needed()
    rows.nth(12).locator(".pick-box").tap()
    expect(phone.locator("#picked-count")).to_have_text("2 selected")
    reject = phone.locator("#bulk-form button[value=reject]")
    box = reject.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    reject.tap()
    expect(phone.locator(".flash")).to_have_text("2 misprints rejected.")
    expect(rows).to_have_count(12)  # the default view lists the open ones
