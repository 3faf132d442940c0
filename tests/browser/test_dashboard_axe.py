"""axe-core finds no serious or critical accessibility problem on the dashboard's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import run_axe
from tests.browser.dashboard_helpers import send_report, sign_in
from tests.conftest import LiveServer

PAGES = ["/dashboard/", "/dashboard/groups/{group}", "/dashboard/stats", "/dashboard/account"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_violations(page: Page, demo_server: LiveServer, path: str) -> None:
    group_id = send_report(demo_server, "intergration", comment="typo", suggestion="integration")
    send_report(demo_server, "councel", comment="council?")
    sign_in(page, demo_server)
    page.goto(demo_server.url + path.format(group=group_id))
    assert page.locator("main h1").count() == 1
    problems = [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in run_axe(page)
        if violation["impact"] in ("serious", "critical")
    ]
    assert problems == []


def test_ukrainian_pages_declare_their_language(page: Page, demo_server: LiveServer) -> None:
    sign_in(page, demo_server, "/dashboard/account")
    page.select_option("#lang", "uk")
    page.locator("form[action='/dashboard/account/language'] button").click()
    assert page.locator("html").get_attribute("lang") == "uk"
    page.goto(demo_server.url + "/dashboard/")
    assert page.locator("h1").inner_text() == "Вхідні"
    assert [v["id"] for v in run_axe(page) if v["impact"] in ("serious", "critical")] == []
