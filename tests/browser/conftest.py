"""Real Chromium (Debian's package) driven by Playwright, and a live Corrigo server.

Playwright cannot download browsers here, so it drives /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from corrigo.config import Settings
from corrigo.demo import ensure_demo
from corrigo.store.db import make_engine, make_sessionmaker
from tests.conftest import LiveServer, settings_for

CHROMIUM = os.environ.get("CORRIGO_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--no-sandbox",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test."""
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


# Package scope: the sync driver keeps an event loop running in the main thread, which
# must be gone before other packages' tests call asyncio.run().
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver for the browser tests."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """Headless Chromium from the system package."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (cookies and storage of their own); closed after the test."""
    contexts: list[BrowserContext] = []

    def build(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield build
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh desktop context."""
    return new_context(viewport={"width": 1280, "height": 900}).new_page()


@pytest.fixture
def browser_settings(tmp_path: Path, sqlite_url: str) -> Callable[..., Settings]:
    """Settings for a live server on SQLite (browser tests need only one backend)."""

    def build(**overrides: Any) -> Settings:
        return settings_for(tmp_path / "data", sqlite_url, **overrides)

    return build


def start_demo_server(
    browser_settings: Callable[..., Settings],
    live_server_factory: Callable[..., LiveServer],
    **overrides: Any,
) -> LiveServer:
    """A live server with the demo site and its admin editor (see `server.demo_account`)."""
    from tests.conftest import free_port

    port = free_port()
    settings = browser_settings(base_url=f"http://127.0.0.1:{port}", **overrides)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        account = ensure_demo(session, settings.base_url)
        session.commit()
    engine.dispose()
    server = live_server_factory(settings, port)
    server.demo_account = account  # type: ignore[attr-defined]
    return server


@pytest.fixture
def demo_server(
    browser_settings: Callable[..., Settings],
    live_server_factory: Callable[..., LiveServer],
) -> LiveServer:
    """A live server with the demo site and its admin editor (see `server.demo_account`)."""
    return start_demo_server(browser_settings, live_server_factory)


def run_axe(page: Page, selector: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core (from npm) in the page; returns its violations.

    The script is evaluated through the DevTools protocol, so a strict CSP does not block it.
    """
    page.evaluate(AXE.read_text())
    context = "document" if selector is None else f"document.querySelector({selector!r})"
    result: list[dict[str, Any]] = page.evaluate(
        f"async () => (await axe.run({context}, {{resultTypes: ['violations']}})).violations"
    )
    return result
