from playwright.sync_api import Page

from tests.browser.conftest import run_axe
from tests.conftest import LiveServer


def test_chromium_opens_the_demo_and_axe_runs(page: Page, demo_server: LiveServer) -> None:
    page.goto(demo_server.url + "/demo/")
    assert page.locator("article").count() >= 1
    assert isinstance(run_axe(page), list)
