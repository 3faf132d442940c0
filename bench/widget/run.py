"""Widget benchmark: what the reader widget costs an article page.

Sizes are the files as the server sends them (gzip -9 and brotli 11, precompressed),
compared with what FACTS.md records for the tools Corrigo replaces: Mistape sends
about 15 KB gzipped of its own plus 35 KB of jQuery on every article view; Orphus's
script is about 2-3 KB gzipped (8.5 KB minified).

In Chromium (Debian's package), against a live server with the demo site, each
round loads the demo article with the widget and, as the baseline, the same page
with /widget.js blocked, and records:

- the widget's requests before the first report (desktop: only the loader; on a
  phone the dialog module follows the first selection in the article, because
  the "Report a misprint" button lives there);
- cumulative layout shift and long tasks, with and without the widget;
- the first Ctrl+Enter: time until the dialog is open (fetching the module included);
- on a page of 1.2 million characters, the widget's reading of the text up to a
  selection at the end, against the browser's own ``textContent`` of the article.

    uv run python bench/widget/run.py [--rounds 5]

Exits 1 when a budget is missed: loader <= 1536 B gzipped, loader + dialog <= 8192 B
gzipped, no request but the loader before the first trigger, no added layout shift,
no added long task.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from corrigo.config import load_settings
from corrigo.demo import ensure_demo
from corrigo.http.app import create_app
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from corrigo.widget.bundle import widget_bundle

LOADER_BUDGET = 1536
TOTAL_BUDGET = 8192
MISTAPE_OWN = 15 * 1024  # gzipped, FACTS.md
MISTAPE_TOTAL = 50 * 1024  # its own files plus the jQuery it pulls in
ORPHUS = 2.5 * 1024  # gzipped, the middle of "2-3 KB"
ARTICLE = "/demo/bridge-reopens"
CHROMIUM_ARGS = ["--disable-gpu", "--no-sandbox", "--disable-background-networking"]
# Layout shifts and long tasks since navigation, collected by the page itself.
PERF_SCRIPT = """
window.__perf = { shift: 0, longTasks: 0, longMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) __perf.shift += entry.value;
}).observe({ type: "layout-shift", buffered: true });
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) { __perf.longTasks += 1; __perf.longMs += entry.duration; }
}).observe({ type: "longtask", buffered: true });
"""


@dataclass
class Load:
    """One page load: the widget's requests, layout shift and long tasks."""

    requests: list[str] = field(default_factory=list)
    shift: float = 0.0
    long_tasks: int = 0
    long_ms: float = 0.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def demo_server() -> Iterator[str]:
    """A Corrigo server with the demo site on a temporary SQLite store; yields its URL."""
    folder = Path(tempfile.mkdtemp(prefix="corrigo-widget-bench-"))
    port = free_port()
    url = f"sqlite:///{folder / 'corrigo.db'}"
    upgrade(url)
    settings = load_settings(
        data_dir=folder,
        database_url=url,
        base_url=f"http://127.0.0.1:{port}",
        rate_limit_reader="off",
        rate_limit_site="off",
        workers_in_process=False,
    )
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        ensure_demo(session, settings.base_url)
        session.commit()
    engine.dispose()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield settings.base_url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        shutil.rmtree(folder, ignore_errors=True)


def sizes() -> dict[str, tuple[int, int, int]]:
    """(raw, gzip, brotli) bytes of the loader and of each language's dialog module."""
    bundle = widget_bundle()
    table = {"loader": bundle.loader}
    table.update({f"dialog ({lang})": asset for lang, asset in bundle.dialogs.items()})
    return {name: (len(a.body), len(a.gzip), len(a.brotli)) for name, a in table.items()}


def load_article(page: Page, base: str, widget: bool) -> Load:
    """Load the demo article, let it settle, and read what the page recorded."""
    result = Load()
    page.on(
        "request",
        lambda request: (
            result.requests.append(request.url.removeprefix(base))
            if "/widget" in request.url or "/api/" in request.url
            else None
        ),
    )
    if not widget:
        page.route("**/widget.js", lambda route: route.abort())
    page.goto(base + ARTICLE, wait_until="networkidle")
    page.wait_for_timeout(500)
    perf = page.evaluate("__perf")
    result.shift, result.long_tasks, result.long_ms = (
        perf["shift"],
        perf["longTasks"],
        perf["longMs"],
    )
    return result


def select_word(page: Page, word: str, root: str = "[itemprop=articleBody]") -> None:
    """Select the first `word` inside a text node of `root`."""
    page.evaluate(
        """([word, root]) => {
          const article = document.querySelector(root);
          const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.data.includes(word));
          const range = document.createRange();
          const at = node.data.indexOf(word);
          range.setStart(node, at);
          range.setEnd(node, at + word.length);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }""",
        [word, root],
    )


def desktop_round(browser: Browser, base: str) -> tuple[Load, Load, float]:
    """One desktop round: baseline load, widget load, then the first report's dialog time."""
    baseline = browser.new_page(viewport={"width": 1280, "height": 900})
    baseline.add_init_script(PERF_SCRIPT)
    without = load_article(baseline, base, widget=False)
    baseline.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(PERF_SCRIPT)
    with_widget = load_article(page, base, widget=True)
    select_word(page, "councel")
    page.wait_for_timeout(300)
    with_widget.requests.append("-- first Ctrl+Enter --")
    started = time.perf_counter()
    page.keyboard.press("Control+Enter")
    page.locator("corrigo-dialog dialog").wait_for(state="visible")
    opened_ms = (time.perf_counter() - started) * 1000
    page.close()
    return without, with_widget, opened_ms


def phone_requests(browser: Browser, base: str, device: dict[str, object]) -> list[str]:
    """The widget's requests on a phone: at load, then after a selection in the article."""
    context = browser.new_context(**device)  # type: ignore[arg-type]
    page = context.new_page()
    page.add_init_script(PERF_SCRIPT)
    load = load_article(page, base, widget=True)
    load.requests.append("-- selection in the article --")
    select_word(page, "absolutly")
    page.get_by_role("button", name="Report a misprint").wait_for()
    context.close()
    return load.requests


def huge_page_reading(browser: Browser, base: str) -> tuple[int, float, float]:
    """(characters, ms for the widget's capture, ms for textContent) on a 20,000-paragraph page."""
    page = browser.new_page()
    page.goto(base + ARTICLE, wait_until="networkidle")
    version = widget_bundle().version
    characters, capture_ms, native_ms = page.evaluate(
        """async (url) => {
          const article = document.createElement('article');
          for (let i = 0; i < 20000; i++) {
            const p = document.createElement('p');
            p.append(`Paragraph ${i} tells a `, Object.assign(document.createElement('em'),
              { textContent: 'long' }), ` story about number ${i} in the city.`);
            article.append(p);
          }
          const last = document.createElement('p');
          last.textContent = 'The very last misprnt.';
          article.append(last);
          document.body.append(article);
          const { capture } = await import(url);
          const range = document.createRange();
          range.setStart(last.firstChild, 14);
          range.setEnd(last.firstChild, 21);
          const times = [], native = [];
          let length = 0;
          for (let i = 0; i < 5; i++) {
            let t = performance.now();
            capture(range, article);
            times.push(performance.now() - t);
            t = performance.now();
            length = article.textContent.length;
            native.push(performance.now() - t);
          }
          times.sort((a, b) => a - b);
          native.sort((a, b) => a - b);
          return [length, times[2], native[2]];
        }""",
        f"{base}/widget/{version}/dialog-en.js",
    )
    page.close()
    return int(characters), float(capture_ms), float(native_ms)


def kb(value: float) -> str:
    """Bytes as KB with one decimal."""
    return f"{value / 1024:.2f} KB"


def main() -> int:
    """Run the benchmark, print the figures and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    failures: list[str] = []

    table = sizes()
    loader_gz = table["loader"][1]
    largest = max(gz for name, (_, gz, _) in table.items() if name.startswith("dialog"))
    largest_br = max(br for name, (_, _, br) in table.items() if name.startswith("dialog"))
    print("## Sizes (bytes)\n\n| file | raw | gzip -9 | brotli 11 |\n| --- | --- | --- | --- |")
    for name, (raw, gz, br) in table.items():
        print(f"| {name} | {raw} | {gz} | {br} |")
    total = loader_gz + largest
    print(
        f"\nloader: {kb(loader_gz)} gzipped (budget {kb(LOADER_BUDGET)}), "
        f"{kb(table['loader'][2])} brotli; {loader_gz / MISTAPE_TOTAL:.3f} of Mistape's "
        f"{kb(MISTAPE_TOTAL)} per view, {loader_gz / MISTAPE_OWN:.3f} of its own 15 KB, "
        f"{loader_gz / ORPHUS:.2f} of Orphus's ~2.5 KB"
    )
    print(
        f"loader + largest dialog: {kb(total)} gzipped (budget {kb(TOTAL_BUDGET)}), "
        f"{kb(table['loader'][2] + largest_br)} brotli; {total / MISTAPE_TOTAL:.3f} of Mistape"
    )
    if loader_gz > LOADER_BUDGET:
        failures.append("loader over budget")
    if total > TOTAL_BUDGET:
        failures.append("loader + dialog over budget")

    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        rounds = [desktop_round(browser, base) for _ in range(args.rounds)]
        phone = phone_requests(browser, base, playwright.devices["Pixel 7"])
        characters, capture_ms, native_ms = huge_page_reading(browser, base)
        browser.close()

    without = [r[0] for r in rounds]
    with_widget = [r[1] for r in rounds]
    opened = [r[2] for r in rounds]
    print("\n## Chromium, demo article (medians over", args.rounds, "rounds)\n")
    print("| | without widget | with widget |\n| --- | --- | --- |")
    for label, attribute in (
        ("layout shift (CLS)", "shift"),
        ("long tasks", "long_tasks"),
        ("long task ms", "long_ms"),
    ):
        a = statistics.median(getattr(load, attribute) for load in without)
        b = statistics.median(getattr(load, attribute) for load in with_widget)
        print(f"| {label} | {a:.4f} | {b:.4f} |")
        if b > a + 1e-4:
            failures.append(f"the widget adds {label}")
    print(f"\nwidget requests, desktop: {with_widget[0].requests}")
    print(f"widget requests, phone (Pixel 7): {phone}")
    before = with_widget[0].requests[: with_widget[0].requests.index("-- first Ctrl+Enter --")]
    if before != ["/widget.js"]:
        failures.append(f"requests before the first trigger: {before}")
    print(f"first Ctrl+Enter to open dialog: {statistics.median(opened):.0f} ms (median)")
    print(
        f"huge page ({characters:,} characters): capture {capture_ms:.1f} ms, "
        f"textContent {native_ms:.1f} ms, ratio {capture_ms / max(native_ms, 0.01):.1f}"
    )
    if failures:
        print("\nFAILED:", "; ".join(failures))
        return 1
    print("\nAll widget budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
