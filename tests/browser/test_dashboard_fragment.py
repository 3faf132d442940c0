"""The group page's link opens the demo article with exactly the reported words highlighted.

Chromium paints a text fragment's match with the ``::target-text`` highlight; the
test paints that highlight in a colour found nowhere else, screenshots the
article, and compares where the colour is with where the reported words are.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.browser.dashboard_helpers import colour_box, send_report, sign_in
from tests.conftest import LiveServer

MAGENTA = (255, 0, 255)
HIGHLIGHT = (
    "::target-text { background: rgb(255, 0, 255) !important; color: rgb(255, 0, 255) !important; }"
)

# The words' quote as the widget sends it: 32 characters of the article's
# whitespace-normalised text on each side (read from the page itself).
QUOTE_JS = """([exact, occurrence]) => {
  const text = document.querySelector("article").innerText.replace(/\\s+/g, " ");
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(exact, at + 1);
  const end = at + exact.length;
  return {exact, prefix: text.slice(Math.max(0, at - 32), at), suffix: text.slice(end, end + 32)};
}"""
# Where the reported words are drawn: the box around the text matching prefix+exact.
WORDS_BOX_JS = """([exact, before]) => {
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(exact);
    if (at >= 0 && (!before || node.data.slice(0, at).endsWith(before))) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + exact.length);
      const box = range.getBoundingClientRect();
      return [box.left, box.top, box.right, box.bottom];
    }
  }
  return null;
}"""


@pytest.mark.parametrize(
    ("slug", "exact", "occurrence", "highlighted", "before"),
    [
        # Inside a link, and glued to "’s": Chromium matches whole words only.
        ("bridge-reopens", "councel", 0, "councel’s", "city "),
        ("bridge-reopens", "intergration", 0, "intergration", "in the "),
        # Cyrillic words, percent-encoded as UTF-8; a doubled word.
        ("mist-v-tumani", "на на", 0, "на на", "вийшов "),
    ],
)
def test_fragment_link_highlights_the_reported_words(
    new_context: Callable[..., BrowserContext],
    demo_server: LiveServer,
    slug: str,
    exact: str,
    occurrence: int,
    highlighted: str,
    before: str,
) -> None:
    # bypass_csp lets the test add its highlight style to the article (not needed by editors).
    context = new_context(viewport={"width": 900, "height": 700}, bypass_csp=True)
    article_url = f"{demo_server.url}/demo/{slug}"
    reader: Page = context.new_page()
    reader.goto(article_url)
    quote = reader.evaluate(QUOTE_JS, [exact, occurrence])
    reader.close()
    group_id = send_report(demo_server, exact, url=article_url, quote=quote)

    editor = context.new_page()
    sign_in(editor, demo_server, f"/dashboard/groups/{group_id}")
    with context.expect_page() as opened:
        editor.click("#fragment-link")  # a real click: fragments need a user's navigation
    article = opened.value
    article.wait_for_load_state("load")
    assert article.url.startswith(article_url + "#:~:text=")
    article.add_style_tag(content=HIGHLIGHT)
    article.wait_for_timeout(100)
    painted = colour_box(article.screenshot(), MAGENTA)
    words = article.evaluate(WORDS_BOX_JS, [highlighted, before])
    assert painted is not None, "nothing is highlighted"
    assert words is not None
    # The article was scrolled to the words, and the highlight covers them and only them.
    assert words[1] >= 0 and words[3] <= 700
    for got, want in zip(painted, words, strict=True):
        assert abs(got - want) <= 3, (painted, words)
