"""The reader widget on the demo site: select, Ctrl/Cmd+Enter, check, send, stored."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.browser.widget_support import (
    article_text,
    dialog,
    expected_quote,
    open_dialog,
    select,
    stored_reports,
    wait_for_reports,
)
from tests.conftest import LiveServer

MAC_SAFARI = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"
)
THANKS = "Thank you! Your report has reached the editors."


def _article(page: Page, server: LiveServer, slug: str) -> str:
    page.goto(f"{server.url}/demo/{slug}")
    return article_text(page.content())


def _send(page: Page, comment: str = "", suggestion: str = "") -> None:
    found = dialog(page)
    if comment:
        found.locator("textarea").fill(comment)
    if suggestion:
        found.locator("input").fill(suggestion)
    found.get_by_role("button", name="Send").click()
    expect(found.get_by_role("status")).to_have_text(THANKS)


def test_word_inside_a_link_is_reported_with_its_quote_and_position(
    page: Page, demo_server: LiveServer
) -> None:
    text = _article(page, demo_server, "bridge-reopens")
    select(page, "councel")
    found = open_dialog(page)

    expect(found.get_by_role("heading")).to_have_text("Spelling error report")
    expect(found.get_by_role("status")).to_have_text(
        "The following text will be sent to our editors:"
    )
    expect(found.locator("mark")).to_have_text("councel")
    expect(found.locator("blockquote")).to_contain_text(
        "According to the city councel’s final report, published last week"
    )
    _send(page, comment="Should be council.", suggestion="council")

    [report] = wait_for_reports(demo_server, 1)
    want = expected_quote(text, "councel")
    assert (report.exact, report.prefix, report.suffix) == (want.exact, want.prefix, want.suffix)
    assert (report.pos_start, report.pos_end) == (want.start, want.end)
    assert report.prefix.endswith("According to the city ")
    assert report.suffix.startswith("’s final report")
    assert report.comment == "Should be council."
    assert report.suggestion == "council"
    assert report.url == f"{demo_server.url}/demo/bridge-reopens"  # <link rel=canonical>
    assert report.title.startswith("Old Town bridge reopens")
    assert report.lang == "en"
    assert report.author == "Maria Kovalenko"
    assert report.widget_version


def test_word_in_emphasis_and_a_selection_across_the_link_boundary(
    page: Page, demo_server: LiveServer
) -> None:
    text = _article(page, demo_server, "bridge-reopens")
    select(page, "absolutly")
    open_dialog(page)
    expect(dialog(page).locator("mark")).to_have_text("absolutly")
    _send(page)
    dialog(page).get_by_role("button", name="Close").click()

    # From plain text, through <a>, out again: one quote across three text nodes.
    select(page, "the city councel", "report, published")
    open_dialog(page)
    expect(dialog(page).locator("mark")).to_have_text("the city councel’s final report, published")
    _send(page)

    first, second = wait_for_reports(demo_server, 2)
    for report, exact in (
        (first, "absolutly"),
        (second, "the city councel’s final report, published"),
    ):
        want = expected_quote(text, exact)
        assert (report.exact, report.prefix, report.suffix) == (
            want.exact,
            want.prefix,
            want.suffix,
        )
        assert (report.pos_start, report.pos_end) == (want.start, want.end)


def test_cyrillic_article_in_ukrainian(page: Page, demo_server: LiveServer) -> None:
    text = _article(page, demo_server, "mist-v-tumani")
    caption = page.locator("corrigo-caption")
    expect(caption).to_have_text(
        "Якщо ви знайшли помилку в тексті, будь ласка, повідомте нас: "
        "виділіть її та натисніть Ctrl+Enter."
    )
    select(page, "архиву")
    found = open_dialog(page)
    expect(found.get_by_role("heading")).to_have_text("Повідомлення про помилку")
    expect(found.get_by_role("status")).to_have_text("Редакції буде надіслано такий текст:")
    found.get_by_role("button", name="Надіслати").click()
    expect(found.get_by_role("status")).to_have_text(
        "Дякуємо! Ваше повідомлення отримала редакція."
    )

    [report] = wait_for_reports(demo_server, 1)
    want = expected_quote(text, "архиву")
    assert (report.exact, report.prefix, report.suffix, report.pos_start) == (
        want.exact,
        want.prefix,
        want.suffix,
        want.start,
    )
    assert report.lang == "uk"
    assert report.author == "Олена Гнатюк"


def test_selection_across_two_paragraphs(page: Page, demo_server: LiveServer) -> None:
    text = _article(page, demo_server, "bridge-reopens")
    select(page, "partly under water.", "The first scheduled tram")
    found = open_dialog(page)
    expect(found.locator("mark")).to_have_text("partly under water. The first scheduled tram")
    _send(page)

    [report] = wait_for_reports(demo_server, 1)
    want = expected_quote(text, "partly under water. The first scheduled tram")
    assert report.exact == want.exact
    assert (report.prefix, report.suffix) == (want.prefix, want.suffix)
    assert (report.pos_start, report.pos_end) == (want.start, want.end)


def test_a_301_character_selection_gets_a_clear_message_and_300_are_sent(
    page: Page, demo_server: LiveServer
) -> None:
    text = _article(page, demo_server, "bridge-reopens")
    start = text.index("The final bill came to")
    for length in (301, 300):
        window = text[start : start + length]
        # From the start of that paragraph into the heading after it.
        select(page, window[:22], window[-16:])
        found = open_dialog(page)
        if length == 301:
            expect(found.get_by_role("status")).to_have_text(
                "The selection is too long (301 characters). "
                "Please select at most 300 characters around the misprint."
            )
            expect(found.get_by_role("button", name="Send")).to_have_count(0)
            found.get_by_role("button", name="Close").click()
            expect(found).to_be_hidden()
            assert stored_reports(demo_server) == []
        else:
            _send(page)
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == text[start : start + 300]
    assert report.pos_start == start


def test_cmd_enter_on_macos(
    new_context: Callable[..., BrowserContext], demo_server: LiveServer
) -> None:
    page = new_context(user_agent=MAC_SAFARI).new_page()
    _article(page, demo_server, "bridge-reopens")
    expect(page.locator("corrigo-caption")).to_have_text(
        "If you have found a spelling error, please, notify us by selecting that text "
        "and pressing Cmd+Enter."
    )
    select(page, "recieved")
    open_dialog(page, "Meta+Enter")
    _send(page)
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == "recieved"


def test_shortcut_is_left_alone_while_typing_or_outside_the_article(
    page: Page, demo_server: LiveServer
) -> None:
    _article(page, demo_server, "bridge-reopens")
    page.keyboard.press("Control+Enter")  # nothing selected
    # A selection outside the article body (the headline).
    select(page, "Old Town bridge reopens", root="h1")
    page.keyboard.press("Control+Enter")
    # Focus in a text field that the page adds, with article text selected too.
    page.evaluate(
        """() => {
          const input = document.createElement('input');
          input.value = 'typing here';
          document.querySelector('.story__body').append(input);
          input.focus();
          input.select();
        }"""
    )
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    assert page.locator("corrigo-dialog").count() == 0


def test_ctrl_enter_on_a_focused_link_opens_the_dialog_not_the_link(
    page: Page, demo_server: LiveServer
) -> None:
    _article(page, demo_server, "bridge-reopens")
    link = page.locator(".story__body a").first
    link.focus()
    select(page, "councel")
    popups: list[Page] = []
    page.context.on("page", lambda popup: popups.append(popup))
    open_dialog(page)
    page.wait_for_timeout(200)
    assert page.url.endswith("/demo/bridge-reopens")
    assert popups == []


def test_nothing_but_the_loader_is_fetched_before_the_first_report(
    page: Page, demo_server: LiveServer
) -> None:
    widget: list[str] = []

    def record(request: Request) -> None:
        if "/widget" in request.url or "/api/" in request.url:
            widget.append(request.url.removeprefix(demo_server.url))

    page.on("request", record)
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    page.wait_for_load_state("networkidle")
    select(page, "councel")  # a selection alone is not a report
    page.wait_for_timeout(500)
    assert widget == ["/widget.js"]
    open_dialog(page)
    assert len(widget) == 2
    assert widget[1].startswith("/widget/") and widget[1].endswith("/dialog-en.js")


def test_corrigo_open_is_the_only_global_and_opens_the_dialog(
    page: Page, demo_server: LiveServer
) -> None:
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    added = page.evaluate(
        """async () => {
          const frame = document.createElement('iframe');
          document.body.append(frame);
          const clean = new Set(Object.getOwnPropertyNames(frame.contentWindow));
          frame.remove();
          return Object.getOwnPropertyNames(window).filter((name) => !clean.has(name));
        }"""
    )
    assert added == ["Corrigo"]
    # With nothing selected the site's own button gets a hint, not an empty report.
    page.evaluate("Corrigo.open()")
    expect(dialog(page).get_by_role("status")).to_have_text(
        "Please select the misprint in the article first."
    )
    page.keyboard.press("Escape")
    select(page, "intergration")
    page.evaluate("Corrigo.open()")
    expect(dialog(page).locator("mark")).to_have_text("intergration")
