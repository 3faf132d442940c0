"""Helpers for the reader widget's browser tests.

- `article_text`: an independent (Python) reading of an article's text by the
  widget's rules, to check the quotes and positions the widget sends;
- `select`: set the reader's selection from one piece of text to another;
- `serve_pages`: host pages on another origin (hostile CSS, strict CSP, odd
  pages), served from tests/browser/pages/ by a small Starlette app;
- `stored_reports`, `wait_for_reports`: what reached the store.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from string import Template
from typing import Any

import uvicorn
from playwright.sync_api import Locator, Page
from sqlalchemy import select as sql_select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from corrigo.domain.text import remove_non_text
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Report
from tests.conftest import LiveServer, free_port

PAGES = Path(__file__).resolve().parent / "pages"
ARTICLE_BODY = "[itemprop=articleBody]"

# The widget's reading of an article (see the header of src/corrigo/widget/dialog.js).
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "textarea",
    "select",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "svg",
    "math",
}
_BLOCK = {
    *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog"),
    *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "hr", "legend", "li", "main", "nav", "ol"),
    *("p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr"),
    "ul",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}


class _ArticleReader(HTMLParser):
    """Collects the text of the first element matching (attribute, value) or tag."""

    def __init__(self, attribute: tuple[str, str] | None, tag: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.attribute = attribute
        self.tag = tag
        self.depth = 0  # >0 while inside the article
        self.skip_depth = 0  # >0 while inside an element whose text is left out
        self.done = False
        self.pieces: list[str] = []

    def _is_root(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if self.attribute is not None:
            return (self.attribute[0], self.attribute[1]) in attrs
        return tag == self.tag

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if self.depth == 0:
            if self._is_root(tag, attrs):
                self.depth = 1
            return
        if tag in _VOID:
            if tag in _BLOCK and not self.skip_depth:
                self.pieces.append("\n")
            return
        self.depth += 1
        if self.skip_depth or tag in _SKIP or any(name == "hidden" for name, _ in attrs):
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.done or self.depth == 0 or tag in _VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            self.done = True
        elif self.skip_depth:
            self.skip_depth -= 1
        elif tag in _BLOCK:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip_depth and not self.done:
            self.pieces.append(remove_non_text(unicodedata.normalize("NFC", data)))


def article_text(html: str, root: str = ARTICLE_BODY) -> str:
    """The article's whitespace-normalised text, as the widget counts positions in it.

    `root` is ``[name=value]`` or a tag name.
    """
    match = re.fullmatch(r"\[(\w+)=(\w+)\]", root)
    reader = _ArticleReader((match.group(1), match.group(2)) if match else None, root)
    reader.feed(html)
    return re.sub(r"\s+", " ", "".join(reader.pieces)).strip()


@dataclass(frozen=True)
class Expected:
    """The quote a selection of `exact` at `start` must produce."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


def expected_quote(text: str, exact: str, occurrence: int = 0) -> Expected:
    """The quote for the `occurrence`-th appearance of `exact` in the article's `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return Expected(exact, text[max(0, start - 32) : start], text[end : end + 32], start, end)


# Find the texts in the root's text nodes joined as they are (a needle may span
# elements, like "the city" in "the <a>city</a>"), then map back to node offsets.
_SELECT = """([startText, endText, rootSelector]) => {
  const root = document.querySelector(rootSelector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let all = "", node;
  while ((node = walker.nextNode())) { nodes.push([node, all.length]); all += node.data; }
  const from = all.indexOf(startText);
  const to = from < 0 ? -1 : all.indexOf(endText, from) + endText.length;
  if (from < 0 || to < endText.length) throw new Error("not found: " + startText);
  const at = (offset, isEnd) => {
    for (const [n, base] of nodes) {
      const length = n.data.length;
      if (offset < base + length || (isEnd && offset === base + length)) return [n, offset - base];
    }
  };
  const range = document.createRange();
  range.setStart(...at(from, false));
  range.setEnd(...at(to, true));
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def select(page: Page, start: str, end: str | None = None, root: str = ARTICLE_BODY) -> None:
    """Select from the first `start` text to the end of the next `end` text (default: `start`)."""
    page.evaluate(_SELECT, [start, end or start, root])


def dialog(page: Page) -> Locator:
    """The widget's <dialog> (Playwright's locators pierce the open shadow root)."""
    return page.locator("corrigo-dialog dialog")


def open_dialog(page: Page, keys: str = "Control+Enter") -> Locator:
    """Press the shortcut and wait for the dialog to be open."""
    page.keyboard.press(keys)
    found = dialog(page)
    found.wait_for(state="visible")
    return found


def shadow_focus(page: Page) -> str:
    """The id (or tag) of the focused element inside the dialog's shadow root, or ''."""
    return str(
        page.evaluate(
            """() => {
              const host = document.querySelector('corrigo-dialog');
              const el = host && document.activeElement === host && host.shadowRoot.activeElement;
              return el ? (el.id || el.tagName.toLowerCase()) : '';
            }"""
        )
    )


def stored_reports(server: LiveServer) -> list[Report]:
    """Every report in the server's store, oldest first."""
    engine = make_engine(server.settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(sql_select(Report).order_by(Report.id)).scalars().all()
            session.expunge_all()
            return list(rows)
    finally:
        engine.dispose()


def wait_for_reports(server: LiveServer, count: int, timeout: float = 10.0) -> list[Report]:
    """Poll the store until it holds `count` reports (it never answers before they commit)."""
    deadline = time.monotonic() + timeout
    while True:
        reports = stored_reports(server)
        if len(reports) >= count or time.monotonic() > deadline:
            return reports
        time.sleep(0.05)


def allow_site(server: LiveServer, key: str, origin: str, lang: str = "en") -> str:
    """Register a site with `key` that accepts reports from `origin`; returns the key."""
    engine = make_engine(server.settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, f"Site {key}", [origin], lang, public_key=key)
        session.commit()
    engine.dispose()
    return key


class PageServer:
    """Serves host pages on their own origin: files in tests/browser/pages/ or given HTML.

    Pages are `string.Template`s: ``$corrigo`` is the Corrigo server's URL,
    ``$site`` the site key, ``$origin`` the pages' own origin and ``$widget``
    the embedding tag. `headers` maps a page name to extra response headers.
    """

    def __init__(
        self,
        corrigo: str,
        site: str,
        headers: dict[str, dict[str, str]] | None = None,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.values = {
            "corrigo": corrigo,
            "site": site,
            "origin": self.origin,
            "widget": f'<script src="{corrigo}/widget.js" data-site="{site}" defer></script>',
        }
        self.headers = headers or {}
        self.extra = extra or {}
        app = Starlette(routes=[Route("/{name:str}", self._page)])
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def url(self, name: str) -> str:
        """The address of page `name`."""
        return f"{self.origin}/{name}"

    async def _page(self, request: Request) -> Response:
        name = request.path_params["name"]
        source = self.extra.get(name)
        path = PAGES / name
        if source is None and path.is_file():
            source = path.read_text(encoding="utf-8")
        if source is None:
            return Response("not found", status_code=404)
        html = Template(source).safe_substitute(self.values)
        return HTMLResponse(html, headers=self.headers.get(name, {}))

    def start(self) -> None:
        """Start serving and wait for the port."""
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("page server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop serving."""
        self._server.should_exit = True
        self._thread.join(timeout=15)


@contextlib.contextmanager
def serve_pages(corrigo: LiveServer, site_key: str, **options: Any) -> Iterator[PageServer]:
    """Serve host pages for a site that the Corrigo server `corrigo` accepts from their origin."""
    pages = PageServer(corrigo.url, site_key, **options)
    allow_site(corrigo, site_key, pages.origin)
    pages.start()
    try:
        yield pages
    finally:
        pages.stop()
