"""Odd pages: hard-to-count text, no article, frames, huge pages, embedding mistakes.

The widget must count positions exactly as documented (the server groups
reports by them) and must never throw, whatever the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from corrigo.widget.bundle import widget_bundle
from tests.browser.widget_support import (
    PAGES,
    PageServer,
    article_text,
    dialog,
    expected_quote,
    open_dialog,
    select,
    serve_pages,
    wait_for_reports,
)
from tests.conftest import LiveServer

THANKS = "Thank you! Your report has reached the editors."
PLAIN = (PAGES / "plain.html").read_text(encoding="utf-8")


@pytest.fixture
def errors(page: Page) -> list[str]:
    """Uncaught errors in the page; every test here expects none."""
    found: list[str] = []
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


@pytest.fixture
def pages(demo_server: LiveServer) -> Iterator[PageServer]:
    """Odd host pages on their own origin, accepted by the demo server's `odd-site`."""
    tag = '<script src="$corrigo/widget.js" data-site="$site" {attributes}></script>'

    def variant(attributes: str, widget: str | None = None) -> str:
        return PLAIN.replace("$widget", widget or tag.format(attributes=attributes))

    extra = {
        "bad-selector.html": variant('data-article="##nope" defer'),
        "caption-off.html": variant('data-caption="off" defer'),
        "ukrainian.html": variant('data-lang="uk" data-article="#story" defer'),
        "twice.html": variant("defer", tag.format(attributes="defer") * 2),
        "in-head.html": PLAIN.replace("$widget", "").replace(
            "</head>", tag.format(attributes="") + "</head>"
        ),
        "huge.html": _huge_page(),
        "placed.html": variant("defer").replace(
            "<h2>Plain page</h2>", "<h2>Plain page</h2><corrigo-caption></corrigo-caption>"
        ),
    }
    with serve_pages(demo_server, "odd-site", extra=extra) as server:
        yield server


def _huge_page(paragraphs: int = 20_000) -> str:
    body = "\n".join(
        f"<p>Paragraph {i} tells a <em>long</em> story about number {i}.</p>"
        for i in range(paragraphs)
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Huge</title></head>"
        f"<body><article>{body}<p>The very last misprnt.</p></article>$widget</body></html>"
    )


def _send(page: Page) -> None:
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(THANKS)
    page.keyboard.press("Escape")


def test_hard_to_count_text_gives_the_documented_quote_and_position(
    page: Page, demo_server: LiveServer, pages: PageServer, errors: list[str]
) -> None:
    page.goto(pages.url("tricky.html"))
    text = article_text(page.content(), "article")
    assert "😀😀" in text and "й" in text and "script" not in text and "Hidden" not in text
    assert "a line break and a zero\u200bwidth space" in text  # <br>, &nbsp;, U+200B
    # Joiners are part of the text; bidi overrides are not (README, "Text that enters").
    assert "👨\u200d🦰 redhead, Persian می\u200cخواهم, Hindi क्\u200dष," in text
    assert "embedded override gone" in text
    assert "cell one cell two After the table" in text
    chosen = [("misprnt", 0), ("misprnt again", 0), ("👨\u200d🦰 redhead", 0)]
    for exact, _ in chosen:
        select(page, exact, root="article")
        open_dialog(page)
        _send(page)

    reports = wait_for_reports(demo_server, len(chosen))
    first = reports[0]
    for report, (exact, occurrence) in zip(reports, chosen, strict=True):
        want = expected_quote(text, exact, occurrence)
        assert (report.exact, report.prefix, report.suffix) == (
            want.exact,
            want.prefix,
            want.suffix,
        )
        assert (report.pos_start, report.pos_end) == (want.start, want.end)
    assert first.lang == "en-us"  # <html lang="en_US"> made a valid tag (the store lowercases)
    assert first.author == "https://news.example/authors/someone"  # article:author
    assert errors == []


def test_every_word_maps_to_its_position_in_code_points(
    page: Page, pages: PageServer, errors: list[str]
) -> None:
    """Select each word that is unique on the page and compare the widget's quote with ours."""
    page.goto(pages.url("tricky.html"))
    text = article_text(page.content(), "article")
    raw = page.evaluate(
        """() => {
          const article = document.querySelector('article');
          const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
          let all = '', node;
          while ((node = walker.nextNode())) all += node.data;
          return all;
        }"""
    )
    words = [w for w in set(re.findall(r"\w+", text)) if text.count(w) == 1 and raw.count(w) == 1]
    assert len(words) >= 15
    url = f"{pages.values['corrigo']}/widget/{widget_bundle().version}/dialog-en.js"
    for word in sorted(words):
        select(page, word, root="article")
        got = page.evaluate(
            """async (url) => {
              const { capture } = await import(url);
              return capture(getSelection().getRangeAt(0), document.querySelector('article'));
            }""",
            url,
        )
        want = expected_quote(text, word)
        assert (got["exact"], got["prefix"], got["suffix"], got["start"], got["end"]) == (
            want.exact,
            want.prefix,
            want.suffix,
            want.start,
            want.end,
        ), word
    assert errors == []


def test_page_without_article_and_a_frame(
    page: Page, demo_server: LiveServer, pages: PageServer, errors: list[str]
) -> None:
    page.goto(pages.url("no-article.html"))
    # The caption goes at the end of the body, which is the "article" here.
    expect(page.locator("body > corrigo-caption")).to_be_visible()
    frame = page.frame_locator("iframe").locator("p")
    frame.click()
    frame.evaluate(
        "(p) => { const r = document.createRange(); r.selectNodeContents(p);"
        " getSelection().removeAllRanges(); getSelection().addRange(r); }"
    )
    page.keyboard.press("Control+Enter")  # focus is in the frame: not our document
    page.wait_for_timeout(300)
    assert page.locator("corrigo-dialog").count() == 0

    page.locator(".wrapper p").click()  # back in the page's own document
    select(page, "misprnt", root="body")
    open_dialog(page)
    _send(page)
    [report] = wait_for_reports(demo_server, 1)
    want = expected_quote(article_text(page.content(), "body"), "misprnt")
    assert (report.exact, report.prefix, report.pos_start) == (want.exact, want.prefix, want.start)
    assert report.lang == ""
    assert errors == []


def test_huge_page(
    page: Page, demo_server: LiveServer, pages: PageServer, errors: list[str]
) -> None:
    page.goto(pages.url("huge.html"))
    select(page, "misprnt", root="article")
    open_dialog(page)
    expect(dialog(page).locator("blockquote")).to_have_text("The very last misprnt.")
    _send(page)
    # Everything selected: a clear message, not a frozen tab or a 2 MB report.
    page.evaluate("getSelection().selectAllChildren(document.querySelector('article'))")
    open_dialog(page)
    expect(dialog(page).get_by_role("status")).to_contain_text("The selection is too long")

    [report] = wait_for_reports(demo_server, 1)
    text = article_text(page.content(), "article")
    assert report.pos_start == text.index("misprnt") > 1_000_000
    assert errors == []


def test_embedding_mistakes_and_options(page: Page, pages: PageServer, errors: list[str]) -> None:
    page.goto(pages.url("bad-selector.html"))  # falls back to <article>
    select(page, "misprnt", root="article")
    open_dialog(page)
    expect(dialog(page).locator("mark")).to_have_text("misprnt")

    page.goto(pages.url("twice.html"))
    expect(page.locator("corrigo-caption")).to_have_count(1)

    page.goto(pages.url("caption-off.html"))
    page.wait_for_load_state("networkidle")
    expect(page.locator("corrigo-caption")).to_have_count(0)

    page.goto(pages.url("in-head.html"))  # no defer: waits for the document
    expect(page.locator("corrigo-caption")).to_have_count(1)

    page.goto(pages.url("placed.html"))  # the site's own place for the caption
    expect(page.locator("h2 + corrigo-caption")).to_contain_text("If you have found")
    expect(page.locator("corrigo-caption")).to_have_count(1)

    page.goto(pages.url("ukrainian.html"))  # data-lang and data-article
    expect(page.locator("#story + corrigo-caption")).to_contain_text("Якщо ви знайшли помилку")
    select(page, "misprnt", root="article")
    open_dialog(page)
    expect(dialog(page).get_by_role("heading")).to_have_text("Повідомлення про помилку")
    assert errors == []


def test_a_sites_own_button_calls_corrigo_open(
    page: Page, demo_server: LiveServer, pages: PageServer, errors: list[str]
) -> None:
    page.goto(pages.url("plain.html"))
    page.evaluate(
        "document.querySelector('#story button').addEventListener('click', () => Corrigo.open())"
    )
    select(page, "misprnt", root="article")
    page.locator("#story button").click()  # a real click: the selection survives it
    expect(dialog(page).locator("mark")).to_have_text("misprnt")
    _send(page)
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == "misprnt"
    # Focus goes back to the site's button, so a keyboard user carries on from there.
    assert page.evaluate("document.activeElement.textContent") == "button"
    assert errors == []
