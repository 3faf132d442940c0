"""The server refusing a report: the reader sees the reason, and nothing is kept to retry."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from corrigo.config import Settings
from corrigo.demo import ensure_demo
from corrigo.store.db import make_engine, make_sessionmaker
from tests.browser.widget_support import dialog, open_dialog, select, stored_reports
from tests.conftest import LiveServer, free_port


@pytest.fixture
def strict_server(
    browser_settings: Callable[..., Settings], live_server_factory: Callable[..., LiveServer]
) -> LiveServer:
    """The demo site on a server that lets a reader send one report a minute."""
    port = free_port()
    settings = browser_settings(base_url=f"http://127.0.0.1:{port}", rate_limit_reader="1/minute")
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        ensure_demo(session, settings.base_url)
        session.commit()
    engine.dispose()
    return live_server_factory(settings, port)


def _report(page: Page, word: str) -> None:
    select(page, word)
    open_dialog(page)
    dialog(page).get_by_role("button").last.click()


@pytest.mark.parametrize(
    ("slug", "words", "thanks", "refusal"),
    [
        (
            "bridge-reopens",
            ("intergration", "recieved"),
            "Thank you! Your report has reached the editors.",
            # English: the server's own sentence, saying when to try again.
            r"The report was not accepted: You have sent too many reports; "
            r"please try again in (59|60) seconds\.",
        ),
        (
            "mist-v-tumani",
            ("архиву", "неймоврно"),
            "Дякуємо! Ваше повідомлення отримала редакція.",
            # Other languages: the reason for the server's code, in the reader's language.
            r"Повідомлення не прийнято: надіслано забагато повідомлень, "
            r"спробуйте знову через (59|60) секунд\.",
        ),
    ],
)
def test_rate_limited_reader_sees_the_reason(
    page: Page,
    strict_server: LiveServer,
    slug: str,
    words: tuple[str, str],
    thanks: str,
    refusal: str,
) -> None:
    page.goto(f"{strict_server.url}/demo/{slug}")
    _report(page, words[0])
    expect(dialog(page).get_by_role("status")).to_have_text(thanks)
    page.keyboard.press("Escape")
    _report(page, words[1])
    expect(dialog(page).get_by_role("status")).to_have_text(re.compile(refusal))
    assert page.evaluate("localStorage.getItem('corrigo:queue')") is None
    assert [r.exact for r in stored_reports(strict_server)] == [words[0]]


def test_a_site_key_the_server_does_not_know(page: Page, demo_server: LiveServer) -> None:
    page.route(
        "**/demo/bridge-reopens",
        lambda route: route.fulfill(
            response=route.fetch(),
            body=route.fetch().text().replace('data-site="demo"', 'data-site="no-such-site"'),
        ),
    )
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    _report(page, "intergration")
    expect(dialog(page).get_by_role("status")).to_have_text(
        "The report was not accepted: This site is not known."
    )
    assert stored_reports(demo_server) == []
