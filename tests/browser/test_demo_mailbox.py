"""The demo's mailbox in Chromium: a reader's report sent with the widget becomes the e-mail
the editor reads on the dashboard's Demo mailbox page, which fits a phone and is axe-clean."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from corrigo.config import Settings
from corrigo.demo import DEMO_MAILBOX_PATH
from tests.browser.conftest import run_axe, start_demo_server
from tests.browser.dashboard_helpers import sign_in
from tests.browser.phone_checks import layout_problems
from tests.browser.test_dashboard_phone import PHONE
from tests.browser.widget_support import dialog, open_dialog, select
from tests.conftest import LiveServer
from tests.workers.receivers import wait_until

COMMENT = "Should be <b>council</b> & not </pre><script>alert(1)</script>"


@pytest.fixture
def mailbox_demo(
    browser_settings: Callable[..., Settings],
    live_server_factory: Callable[..., LiveServer],
) -> LiveServer:
    """A live server set up as `corrigo demo` sets it up: the demo site, its mailbox, demo mode."""
    return start_demo_server(browser_settings, live_server_factory, demo_mode=True)


def test_a_widget_report_arrives_in_the_demo_mailbox(
    page: Page, new_context: Callable[..., BrowserContext], mailbox_demo: LiveServer
) -> None:
    page.goto(f"{mailbox_demo.url}/demo/bridge-reopens")
    select(page, "councel")
    found = open_dialog(page)
    found.locator("textarea").fill(COMMENT)
    found.locator("input").fill("council")
    found.get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_contain_text("Thank you")

    phone = new_context(**PHONE).new_page()
    sign_in(phone, mailbox_demo)
    phone.get_by_role("link", name="Demo mailbox").click()
    phone.wait_for_url(mailbox_demo.url + DEMO_MAILBOX_PATH)

    def arrived() -> bool:
        phone.reload()
        return phone.locator("article.letter").count() > 0

    wait_until(arrived, 60, "the notification in the demo mailbox")
    letter = phone.locator("article.letter")
    expect(letter.locator("h2")).to_contain_text(
        "[Corrigo Demo News] Misprint: “councel” in Old Town bridge reopens"
    )
    expect(letter.locator("dd").first).to_have_text("editor@demo.corrigo.example")
    expect(letter.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    text = letter.locator("pre.letter-text")
    expect(text).to_contain_text("**councel**")
    expect(text).to_contain_text("Suggestion: council")
    expect(text).to_contain_text(COMMENT)  # shown as the reader typed it, as text
    assert letter.locator("pre b, pre script").count() == 0
    assert layout_problems(phone) == {}
    violations = [(v["id"], v["impact"]) for v in run_axe(phone)]
    assert violations == []
