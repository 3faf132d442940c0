"""The dialog with the keyboard alone, its ARIA semantics, and axe-core's verdict."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import run_axe
from tests.browser.widget_support import (
    dialog,
    open_dialog,
    select,
    shadow_focus,
    wait_for_reports,
)
from tests.conftest import LiveServer


def _open_on_focused_link(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/demo/bridge-reopens")
    page.locator(".story__body a").first.focus()
    select(page, "councel")
    open_dialog(page)


def test_keyboard_only_open_tab_through_send_and_escape(
    page: Page, demo_server: LiveServer
) -> None:
    _open_on_focused_link(page, demo_server)
    found = dialog(page)
    assert shadow_focus(page) == "corrigo-comment"
    page.keyboard.type("Keyboard only.")
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "corrigo-suggestion"
    page.keyboard.type("council")
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(shadow_focus(page))
    # Cancel, Send, then back to the first field: focus never leaves the dialog.
    assert order == ["corrigo-close", "corrigo-send", "corrigo-comment", "corrigo-suggestion"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert shadow_focus(page) == "corrigo-send"
    page.keyboard.press("Shift+Tab")
    assert shadow_focus(page) == "corrigo-close"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # on Send

    expect(found.get_by_role("status")).to_have_text(
        "Thank you! Your report has reached the editors."
    )
    assert shadow_focus(page) == "corrigo-close"
    page.keyboard.press("Tab")
    assert shadow_focus(page) == "corrigo-close"  # the only control left
    page.keyboard.press("Escape")
    expect(found).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "city councel’s final report"

    [report] = wait_for_reports(demo_server, 1)
    assert (report.comment, report.suggestion) == ("Keyboard only.", "council")


def test_ctrl_enter_in_the_dialog_sends(page: Page, demo_server: LiveServer) -> None:
    _open_on_focused_link(page, demo_server)
    page.keyboard.type("sent with the shortcut")
    page.keyboard.press("Control+Enter")
    expect(dialog(page).get_by_role("status")).to_have_text(
        "Thank you! Your report has reached the editors."
    )
    [report] = wait_for_reports(demo_server, 1)
    assert report.comment == "sent with the shortcut"


def test_escape_and_cancel_close_and_give_focus_and_selection_back(
    page: Page, demo_server: LiveServer
) -> None:
    _open_on_focused_link(page, demo_server)
    page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "city councel’s final report"
    assert page.evaluate("String(getSelection())") == "councel"

    open_dialog(page)  # the selection is still there: the shortcut works again
    dialog(page).get_by_role("button", name="Cancel").click()
    expect(dialog(page)).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "city councel’s final report"
    assert page.evaluate("String(getSelection())") == "councel"


def test_dialog_semantics(page: Page, demo_server: LiveServer) -> None:
    _open_on_focused_link(page, demo_server)
    found = dialog(page)
    assert found.get_attribute("role") == "dialog"
    assert found.get_attribute("aria-modal") == "true"
    expect(found).to_have_accessible_name("Spelling error report")
    expect(found).to_have_accessible_description("The following text will be sent to our editors:")
    expect(found.get_by_role("textbox", name="Comment (optional)")).to_be_visible()
    expect(found.get_by_role("textbox", name="Suggested correction (optional)")).to_be_visible()
    # Modal: the page behind is inert, so nothing there can take the focus.
    focused_behind = page.evaluate(
        """() => {
          const link = document.querySelector('.story__body a');
          link.focus();
          return document.activeElement === link;
        }"""
    )
    assert focused_behind is False


def test_axe_finds_no_violations_in_the_open_dialog(page: Page, demo_server: LiveServer) -> None:
    _open_on_focused_link(page, demo_server)
    assert run_axe(page, "corrigo-dialog") == []
    page.keyboard.press("Control+Enter")
    expect(dialog(page).get_by_role("status")).to_have_text(
        "Thank you! Your report has reached the editors."
    )
    assert run_axe(page, "corrigo-dialog") == []
    # axe does look inside the shadow root: an unlabelled field there is caught.
    page.evaluate(
        "document.querySelector('corrigo-dialog').shadowRoot.querySelector('dialog')"
        ".append(document.createElement('input'))"
    )
    assert [v["id"] for v in run_axe(page, "corrigo-dialog")] == ["label"]


def test_axe_in_dark_mode_and_in_ukrainian(page: Page, demo_server: LiveServer) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(f"{demo_server.url}/demo/mist-v-tumani")
    select(page, "неймоврно")
    open_dialog(page)
    assert run_axe(page, "corrigo-dialog") == []


def test_a_dialog_reopened_at_once_still_gives_the_selection_back(
    page: Page, demo_server: LiveServer
) -> None:
    _open_on_focused_link(page, demo_server)
    # Escape, and the shortcut again before the browser has fired the first close event.
    page.evaluate(
        """() => {
          const found = document.querySelector('corrigo-dialog').shadowRoot.querySelector('dialog');
          found.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}));
          window.Corrigo.open();
        }"""
    )
    expect(dialog(page).get_by_role("button", name="Cancel")).to_be_visible()
    assert shadow_focus(page) == "corrigo-comment"
    dialog(page).get_by_role("button", name="Cancel").click()
    expect(dialog(page)).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent") == "city councel’s final report"
    assert page.evaluate("String(getSelection())") == "councel"
