"""Editors in Chromium: sign in, move with j/k, decide with f/r/s/o, bulk actions, search."""

from __future__ import annotations

import re
import string

from playwright.sync_api import Page, expect

from tests.browser.dashboard_helpers import send_report, sign_in
from tests.conftest import LiveServer

# Every key the dashboard answers to, as the shortcut list names them.
SHORTCUTS = ["j", "k", "Enter", "x", "f", "r", "s", "o", "/", "Esc", "?"]


def test_sign_in_wrong_password_then_right_then_sign_out(
    page: Page, demo_server: LiveServer
) -> None:
    account = demo_server.demo_account  # type: ignore[attr-defined]
    page.goto(demo_server.url + "/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/sign-in\?next="))
    page.fill("#email", account.email)
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    expect(page.locator("#sign-in-error")).to_have_text("Wrong e-mail or password.")
    page.fill("#password", account.password)
    page.click("button[type=submit]")
    expect(page).to_have_url(demo_server.url + "/dashboard/")
    expect(page.locator("h1")).to_have_text("Inbox")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["corrigo_session"]["httpOnly"] is True
    assert cookies["corrigo_session"]["sameSite"] == "Lax"
    assert page.evaluate("document.cookie") == ""  # nothing readable by scripts
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(demo_server.url + "/dashboard/sign-in")
    page.goto(demo_server.url + "/dashboard/")
    expect(page).to_have_url(re.compile(r"/dashboard/sign-in"))


def test_keyboard_triage(page: Page, demo_server: LiveServer) -> None:
    first = send_report(demo_server, "intergration")
    send_report(demo_server, "intergration")  # two readers: the top row
    second = send_report(demo_server, "councel")
    third = send_report(demo_server, "recieved")
    sign_in(page, demo_server)
    rows = page.locator(".group-row")
    expect(rows).to_have_count(3)
    # Most reported first, then the most recent.
    order = [rows.nth(i).get_attribute("data-group") for i in range(3)]
    assert order == [str(first), str(third), str(second)]

    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("f")  # fixed; the cursor moves on to the next row
    expect(rows.nth(0).locator(".status")).to_have_text("Fixed")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("r")
    expect(rows.nth(1).locator(".status")).to_have_text("Rejected")
    page.keyboard.press("s")
    expect(rows.nth(2).locator(".status")).to_have_text("Spam")

    # The decisions are stored: the default view lists open misprints only, and every
    # status is one filter away.
    page.reload()
    expect(rows).to_have_count(0)
    expect(page.locator(".empty")).to_have_text("No open misprints.")
    page.goto(demo_server.url + "/dashboard/?status=all")
    expect(rows).to_have_count(3)
    statuses = {
        rows.nth(i).get_attribute("data-group"): rows.nth(i).get_attribute("data-status")
        for i in range(3)
    }
    assert statuses == {order[0]: "fixed", order[1]: "rejected", order[2]: "spam"}

    # Enter opens the current row; f on the group page presses its "fixed" button.
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard/groups/\d+$"))
    group_id = page.url.rsplit("/", 1)[1]
    page.fill("#note", "typed before deciding")
    page.locator("#note").press("Escape")
    page.keyboard.press("r" if statuses[group_id] != "rejected" else "f")
    expect(page.locator(".flash")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("typed before deciding")


def test_shortcut_help_and_search_key(page: Page, demo_server: LiveServer) -> None:
    send_report(demo_server, "absolutly", comment="Spelling of absolutely")
    send_report(demo_server, "councel", comment="should be council")
    sign_in(page, demo_server)
    page.keyboard.press("?")
    help_dialog = page.locator("#shortcuts")
    expect(help_dialog).to_be_visible()
    listed = sorted(help_dialog.locator("dt kbd").all_inner_texts())
    assert listed == sorted(SHORTCUTS)
    page.keyboard.press("?")
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("/")
    expect(page.locator("#q")).to_be_focused()
    page.keyboard.type("COUNCIL")  # a comment, in another case
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=COUNCIL"))
    rows = page.locator(".group-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("mark")).to_have_text("councel")
    # Typing in the search field never triggers shortcuts.
    expect(page.locator("#shortcuts")).to_be_hidden()


def test_marked_rows_take_the_decision(page: Page, demo_server: LiveServer) -> None:
    for word in ("intergration", "councel", "recieved", "absolutly"):
        send_report(demo_server, word)
    sign_in(page, demo_server)
    rows = page.locator(".group-row")
    expect(rows).to_have_count(4)
    ids = [rows.nth(i).get_attribute("data-group") for i in range(4)]
    # j j x j x f: the second and third rows are marked, the cursor is on the third;
    # f decides for both marked rows and for no other.
    for key in "jjxjx":
        page.keyboard.press(key)
    expect(page.locator("#picked-count")).to_have_text("2 selected")
    page.keyboard.press("f")
    expect(page.locator(".flash")).to_have_text("2 misprints marked fixed.")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-group") for i in range(2)] == [ids[0], ids[3]]
    page.goto(demo_server.url + "/dashboard/?status=fixed")
    expect(rows).to_have_count(2)
    assert {rows.nth(i).get_attribute("data-group") for i in range(2)} == {ids[1], ids[2]}
    # o reopens the marked rows the same way; with none marked, f/r/s/o take the current row.
    for key in "jxjxo":
        page.keyboard.press(key)
    expect(page.locator(".flash")).to_have_text("2 misprints reopened.")
    page.goto(demo_server.url + "/dashboard/")
    expect(rows).to_have_count(4)
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(rows.nth(0).locator(".status")).to_have_text("Spam")
    expect(rows.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))
    expect(rows.nth(1).locator(".status")).to_have_text("Open")


def test_keys_not_listed_do_nothing(page: Page, demo_server: LiveServer) -> None:
    send_report(demo_server, "intergration")
    sign_in(page, demo_server)
    unlisted = [key for key in string.ascii_lowercase + string.digits if key not in SHORTCUTS]
    for key in unlisted:
        page.keyboard.press(key)
    expect(page.locator(".group-row.current")).to_have_count(0)
    expect(page.locator("#picked-count")).to_have_text("0 selected")
    expect(page.locator("#shortcuts")).to_be_hidden()
    assert page.url == demo_server.url + "/dashboard/"
    expect(page.locator(".group-row .status")).to_have_text("Open")


def test_bulk_actions(page: Page, demo_server: LiveServer) -> None:
    ids = [
        send_report(demo_server, word)
        for word in ("intergration", "councel", "recieved", "absolutly")
    ]
    sign_in(page, demo_server, "/dashboard/?status=all")
    rows = page.locator(".group-row")
    expect(rows).to_have_count(4)
    buttons = page.locator("#bulk-form button[name=action]")
    expect(buttons.first).to_be_disabled()
    rows.nth(0).locator("input.pick").click()
    rows.nth(2).locator("input.pick").click(modifiers=["Shift"])  # selects the range
    expect(page.locator("#picked-count")).to_have_text("3 selected")
    page.fill("#bulk-note", "house style")
    page.locator("#bulk-form button[value=reject]").click()
    expect(page.locator(".flash")).to_have_text("3 misprints rejected.")
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(4)]
    assert statuses == ["open", "rejected", "rejected", "rejected"]

    page.locator("#pick-all").check()
    expect(page.locator("#picked-count")).to_have_text("4 selected")
    page.locator("#bulk-form button[value=fixed]").click()
    expect(page.locator(".flash")).to_have_text("4 misprints marked fixed.")
    assert {rows.nth(i).get_attribute("data-status") for i in range(4)} == {"fixed"}
    assert sorted(int(rows.nth(i).get_attribute("data-group") or 0) for i in range(4)) == sorted(
        ids
    )
