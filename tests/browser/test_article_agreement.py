"""The widget in Chromium and the page checker on the server read the same article text.

The browser's reading is the widget's own: the dialog module's `capture` is run
over every text node of the article (in chunks it accepts), and the pieces are
laid at the positions it returns; whatever no piece covers is folded whitespace.
The server's reading is `corrigo.domain.article.article_texts` over the HTML the
page server sent. Both must be equal, character for character, on the demo
pages and on the odd pages of the browser tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext

from corrigo.domain.article import article_texts
from corrigo.widget.bundle import widget_bundle
from tests.browser.widget_support import PAGES, PageServer, serve_pages
from tests.conftest import LiveServer

PLAIN = (PAGES / "plain.html").read_text(encoding="utf-8")
TAG = '<script src="$corrigo/widget.js" data-site="$site" {attributes} defer></script>'

# The loader's element choice (loader.js `roots`), then the dialog's `capture` per chunk.
BROWSER_TEXTS = """async (dialogUrl) => {
  const { capture } = await import(dialogUrl);
  const script = document.querySelector("script[data-site]");
  let roots = [];
  for (const selector of [script && script.dataset.article, "[itemprop=articleBody]",
                          "article", "main", "body"]) {
    try {
      const found = document.querySelectorAll(selector);
      if (found.length) { roots = [...found]; break; }
    } catch {}
  }
  return roots.map((root) => {
    const whole = document.createRange();
    whole.selectNodeContents(root);
    const all = capture(whole, root);
    if (!all) return "";
    if (!all.tooLong) return all.exact;
    const chars = new Array(all.tooLong).fill(" ");
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (let from = 0; from < node.data.length; ) {
        let to = Math.min(from + 150, node.data.length);
        const code = node.data.charCodeAt(to - 1);
        if (to < node.data.length && code >= 0xd800 && code <= 0xdbff) to++;
        const range = document.createRange();
        range.setStart(node, from);
        range.setEnd(node, to);
        const piece = capture(range, root);
        if (piece && !piece.tooLong)
          [...piece.exact].forEach((ch, i) => (chars[piece.start + i] = ch));
        from = to;
      }
    }
    return chars.join("");
  });
}"""


@pytest.fixture
def pages(demo_server: LiveServer) -> Iterator[PageServer]:
    """The odd pages of the browser tests, and a few variants, on their own origin."""
    extra = {
        "selector.html": PLAIN.replace("$widget", TAG.format(attributes='data-article="#story"')),
        "bad-selector.html": PLAIN.replace("$widget", TAG.format(attributes='data-article="##"')),
        "nested.html": (
            "<!doctype html><html><body><main><article><p>Outer one</p>"
            "<article hidden><p>inner, hidden</p></article><p>two</p></article>"
            "<article><p>Second\u00a0article, e\u0301t\u00e9</p></article></main>$widget"
            "</body></html>"
        ),
    }
    with serve_pages(demo_server, "agree-site", extra=extra) as server:
        yield server


def _compare(context: BrowserContext, corrigo: LiveServer, url: str, selector: str | None) -> None:
    page = context.new_page()
    page.goto(url)
    dialog_url = f"{corrigo.url}/widget/{widget_bundle().version}/dialog-en.js"
    in_browser = page.evaluate(BROWSER_TEXTS, dialog_url)
    on_server = article_texts(httpx.get(url).text, selector)
    assert in_browser == on_server, url
    assert any(text.strip() for text in on_server), url
    page.close()


def test_demo_pages_read_alike(
    demo_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    context = new_context(bypass_csp=True)  # the test's own import under the demo's CSP
    for path in ("/demo/", "/demo/bridge-reopens", "/demo/mist-v-tumani"):
        _compare(context, demo_server, demo_server.url + path, None)


@pytest.mark.parametrize(
    ("name", "selector"),
    [
        *[(path.name, None) for path in sorted(Path(PAGES).glob("*.html"))],
        ("selector.html", "#story"),
        ("bad-selector.html", "##"),
        ("nested.html", None),
    ],
)
def test_odd_pages_read_alike(
    name: str,
    selector: str | None,
    demo_server: LiveServer,
    pages: PageServer,
    new_context: Callable[..., BrowserContext],
) -> None:
    _compare(new_context(bypass_csp=True), demo_server, pages.url(name), selector)
