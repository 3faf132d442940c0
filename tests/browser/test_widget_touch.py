"""Touch devices: a "Report a misprint" button next to the selection, and a tap-wording caption."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from tests.browser.widget_support import dialog, select, wait_for_reports
from tests.conftest import LiveServer


@pytest.fixture
def phone(
    new_context: Callable[..., BrowserContext],
    playwright_instance: Playwright,
    demo_server: LiveServer,
) -> Page:
    """The demo article on an emulated Pixel 7 (touch, coarse pointer, mobile viewport)."""
    page = new_context(**playwright_instance.devices["Pixel 7"]).new_page()
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    return page


def _box(page: Page, script: str) -> dict[str, float]:
    box: dict[str, float] = page.evaluate(
        f"() => {{ const r = {script};"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right} }"
    )
    return box


def test_tapping_the_button_next_to_the_selection_reports_it(
    phone: Page, demo_server: LiveServer
) -> None:
    page = phone
    expect(page.locator("corrigo-caption")).to_have_text(
        "If you have found a spelling error, please, notify us by selecting that text "
        "and tapping “Report a misprint”."
    )
    page.locator(".story__body em").scroll_into_view_if_needed()
    select(page, "absolutly")
    button = page.get_by_role("button", name="Report a misprint")
    expect(button).to_be_visible()

    selection = _box(page, "getSelection().getRangeAt(0).getBoundingClientRect()")
    placed = _box(page, "document.querySelector('corrigo-button').getBoundingClientRect()")
    width = page.viewport_size["width"] if page.viewport_size else 0
    # Under the selection and clear of its drag handles, where the system menu (above) is not.
    assert placed["top"] >= selection["bottom"] + 30
    assert placed["left"] >= 0
    assert placed["right"] <= width

    button.tap()
    found = dialog(page)
    expect(found.locator("mark")).to_have_text("absolutly")
    expect(page.locator("corrigo-button")).to_have_count(0)
    found.get_by_role("button", name="Send").tap()
    expect(found.get_by_role("status")).to_have_text(
        "Thank you! Your report has reached the editors."
    )
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == "absolutly"


def test_button_goes_further_down_near_the_top_and_away_when_the_selection_does(
    phone: Page,
) -> None:
    page = phone
    page.evaluate(
        "() => { const em = document.querySelector('.story__body em');"
        " scrollTo(0, scrollY + em.getBoundingClientRect().top - 20) }"
    )
    select(page, "absolutly")
    button = page.get_by_role("button", name="Report a misprint")
    expect(button).to_be_visible()
    selection = _box(page, "getSelection().getRangeAt(0).getBoundingClientRect()")
    placed = _box(page, "document.querySelector('corrigo-button').getBoundingClientRect()")
    # Near the top the system menu drops below the selection: the button goes under it.
    assert placed["top"] >= selection["bottom"] + 90

    page.evaluate("getSelection().removeAllRanges()")
    expect(page.locator("corrigo-button")).to_have_count(0)


def test_a_selection_on_a_phone_outside_the_article_shows_no_button(phone: Page) -> None:
    page = phone
    select(page, "Old Town bridge reopens", root="h1")
    page.wait_for_timeout(800)
    expect(page.locator("corrigo-button")).to_have_count(0)
