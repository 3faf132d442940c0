"""The editor's time zone is first guessed from the browser, then shown in every time."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.browser.dashboard_helpers import send_report, sign_in
from tests.conftest import LiveServer


def test_zone_is_guessed_from_the_browser(
    new_context: Callable[..., BrowserContext], demo_server: LiveServer
) -> None:
    send_report(demo_server, "intergration")
    page = new_context(timezone_id="America/Sao_Paulo").new_page()
    # The first page still shows UTC; it sends the browser's zone for the next ones.
    with page.expect_response(re.compile(r"/dashboard/account/timezone$")) as sent:
        sign_in(page, demo_server)
    assert sent.value.status == 204
    expect(page.locator(".group-row time")).to_have_attribute("title", re.compile(r"\(UTC\)$"))
    page.reload()
    stamp = page.locator(".group-row time")
    expect(stamp).to_have_attribute("title", re.compile(r"\(America/Sao_Paulo\)$"))
    expect(stamp).to_have_text(re.compile(r"ago$"))
    page.goto(demo_server.url + "/dashboard/account")
    expect(page.locator("#timezone")).to_have_value("America/Sao_Paulo")
    assert page.locator("body[data-guess-zone]").count() == 0
