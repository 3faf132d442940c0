"""The widget in every reader language: its caption, and a dialog that fits a 320 px phone
in the longest one; the dialog keeps what a reader typed when it is closed and reopened."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from corrigo.widget.bundle import WIDGET_DIR, load_strings
from tests.browser.phone_checks import layout_problems
from tests.browser.widget_support import open_dialog, select, serve_pages
from tests.conftest import LiveServer

STRINGS = load_strings(WIDGET_DIR / "i18n")
# The language whose dialog texts are longest overall: if it fits, the others do.
LONGEST = max(
    STRINGS,
    key=lambda lang: sum(
        len(STRINGS[lang][key]) for key in json.loads((WIDGET_DIR / "i18n" / "en.json").read_text())
    ),
)
PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Article</title></head>
<body><article><p>The council approved the budget on Monday after a long debate about the
transpot grant and the new bridge.</p></article>$widget</body></html>"""


@pytest.mark.parametrize("lang", sorted(STRINGS))
def test_caption_in_the_pages_language(page: Page, demo_server: LiveServer, lang: str) -> None:
    with serve_pages(demo_server, "pages", extra={"a.html": PAGE.format(lang=lang)}) as pages:
        page.goto(pages.url("a.html"))
        expected = STRINGS[lang]["caption"].replace("{keys}", "Ctrl+Enter")
        expect(page.locator("corrigo-caption")).to_have_text(expected)


def test_dialog_fits_a_320px_phone_in_the_longest_language(
    new_context: Callable[..., BrowserContext], demo_server: LiveServer
) -> None:
    assert LONGEST not in ("en",)  # English is the shortest: the check is about the others
    phone = new_context(viewport={"width": 320, "height": 640}).new_page()
    with serve_pages(demo_server, "pages", extra={"a.html": PAGE.format(lang=LONGEST)}) as pages:
        phone.goto(pages.url("a.html"))
        select(phone, "transpot", root="article")
        found = open_dialog(phone)
        expect(found.locator("h2")).to_have_text(STRINGS[LONGEST]["title"])
        box = found.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320
        sizes = found.evaluate(
            "d => [...d.querySelectorAll('*')].filter((e) => e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).overflowX !== 'visible').map((e) => e.tagName)"
        )
        assert sizes == []
        assert layout_problems(phone).get("scroll", 0) == 0
        buttons = found.locator("button")
        for index in range(buttons.count()):
            button = buttons.nth(index).bounding_box()
            assert button is not None and button["x"] + button["width"] <= 320


def test_dialog_keeps_the_draft_for_the_same_selection(page: Page, demo_server: LiveServer) -> None:
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    select(page, "intergration")
    found = open_dialog(page)
    found.locator("#corrigo-comment").fill("Double r?")
    found.locator("#corrigo-suggestion").fill("integration")
    page.keyboard.press("Escape")
    expect(found).to_be_hidden()
    # The same selection: what the reader typed is back.
    found = open_dialog(page)
    expect(found.locator("#corrigo-comment")).to_have_value("Double r?")
    expect(found.locator("#corrigo-suggestion")).to_have_value("integration")
    found.get_by_role("button", name="Cancel").click()
    # Another selection starts empty.
    select(page, "recieved")
    found = open_dialog(page)
    expect(found.locator("#corrigo-comment")).to_have_value("")
    expect(found.locator("#corrigo-suggestion")).to_have_value("")
