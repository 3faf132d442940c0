"""Screenshots of the dashboard for the README: the inbox on a phone and a group page.

Run from the repository: `make screenshots` (or `uv run python scripts/dashboard_screenshots.py`).
It starts a throw-away Corrigo demo on a free port with a temporary data folder, lets
Chromium report the demo's planted misprints the way readers do, signs in as the demo
editor and writes docs/screenshots/phone-inbox.png and docs/screenshots/group-page.png.
Needs Chromium (`make browser`; CORRIGO_CHROMIUM names another executable).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import Page, sync_playwright

from corrigo.config import load_settings
from corrigo.demo import ensure_demo
from corrigo.demo.articles import BY_SLUG
from corrigo.http.app import create_app
from corrigo.store.db import make_engine, make_sessionmaker, upgrade

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = os.environ.get("CORRIGO_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# What the demo's readers "send": a quote of the article, a comment, a correction.
READERS = [
    ("intergration", "Double r?", "integration"),
    ("intergration", "", "integration"),
    ("councel", "Should be the city council", "council"),
    ("recieved", "", "received"),
    ("absolutly", "", ""),
]


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def report(page: Page, exact: str, comment: str, suggestion: str) -> None:
    """Select `exact` in the article and send it through the widget's dialog."""
    page.evaluate(
        """exact => {
          const body = document.querySelector("[itemprop=articleBody]");
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(exact);
            if (at >= 0) {
              const range = document.createRange();
              range.setStart(node, at);
              range.setEnd(node, at + exact.length);
              getSelection().removeAllRanges();
              getSelection().addRange(range);
              return;
            }
          }
          throw new Error("not in the article: " + exact);
        }""",
        exact,
    )
    page.keyboard.press("Control+Enter")
    dialog = page.locator("corrigo-dialog dialog")
    dialog.locator("#corrigo-comment").fill(comment)
    dialog.locator("#corrigo-suggestion").fill(suggestion)
    dialog.locator("#corrigo-send").click()
    dialog.locator(".outcome").wait_for()
    page.keyboard.press("Escape")


def main() -> int:
    """Make both screenshots; returns the exit status."""
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: run `make browser`", file=sys.stderr)
        return 1
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            data_dir=Path(data), base_url=f"http://127.0.0.1:{port}", workers_in_process=False
        )
        upgrade(settings.resolved_database_url)
        engine = make_engine(settings.resolved_database_url)
        with make_sessionmaker(engine)() as session:
            account = ensure_demo(session, settings.base_url, settings.data_dir)
            session.commit()
        engine.dispose()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            shoot(settings.base_url, account.email, account.password or "")
        finally:
            server.should_exit = True
            thread.join(timeout=15)
    print(f"wrote {OUT / 'phone-inbox.png'} and {OUT / 'group-page.png'}")
    return 0


def shoot(base: str, email: str, password: str) -> None:
    """Report the misprints as readers, then photograph the editor's pages."""
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        reader = browser.new_context(viewport={"width": 1280, "height": 900})
        for exact, comment, suggestion in READERS:
            page = reader.new_page()  # a page view per reader
            page.goto(f"{base}/demo/{BY_SLUG['bridge-reopens'].slug}")
            report(page, exact, comment, suggestion)
            page.close()
        phone = browser.new_context(**PHONE, timezone_id="Europe/Kyiv").new_page()
        phone.goto(f"{base}/dashboard/sign-in")
        phone.fill("#email", email)
        phone.fill("#password", password)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{base}/dashboard/")
        phone.reload()  # the first page sent the browser's time zone
        phone.screenshot(path=str(OUT / "phone-inbox.png"))
        desktop = browser.new_context(
            viewport={"width": 1100, "height": 900}, timezone_id="Europe/Kyiv"
        )
        desktop.add_cookies(phone.context.cookies())
        page = desktop.new_page()
        page.goto(f"{base}/dashboard/")
        page.locator(".group-row a.open").first.click()
        page.wait_for_url(f"{base}/dashboard/groups/*")
        page.screenshot(path=str(OUT / "group-page.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
