"""The article's text as the reader widget sees it, from a page's HTML (pure, no I/O).

Call :func:`article_texts` with the page's HTML (a ``str``) and the site's
``article_selector`` (or ``None``): it returns one string per article element,
in document order, each exactly the text that the widget's ``capture`` walks in
``dialog.js`` and counts positions in — so a quote's ``prefix + exact + suffix``
and its ``start``/``end`` line up with it. The element choice is the loader's
(``loader.js``): every match of the site's selector, else of the first of
``[itemprop=articleBody]``, ``article``, ``main``, ``body`` that matches; an
invalid selector falls back to that chain as the browser does. The text rules
are the widget's: ``<br>`` and block boundaries read as spaces; script, style,
form controls, embedded content and ``hidden`` elements left out; each text node
in NFC; the server's invisible characters removed; whitespace runs folded to one
space, none at the ends. :func:`valid_selector` tells whether a selector parses.
The parser is Lexbor (through selectolax), a WHATWG HTML parser, so messy pages
build the same tree as in a browser; see ``bench/README.md`` for the measurement.
"""

from __future__ import annotations

import re
import unicodedata

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from corrigo.domain.text import remove_non_text

# The loader's chain after the site's own selector (loader.js, `roots`).
DEFAULT_CHAIN = ("[itemprop=articleBody]", "article", "main", "body")
# dialog.js SKIP and BLOCK: left out entirely, and read as a space at both ends.
SKIPPED = (
    *("script", "style", "noscript", "template", "textarea", "select", "iframe", "object"),
    *("embed", "canvas", "video", "audio", "svg", "math"),
)
BLOCKS = (
    *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog"),
    *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2"),
    *("h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "nav", "ol"),
    *("p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr"),
    "ul",
)
_LEFT_OUT = ", ".join([*SKIPPED, "[hidden]"])
_BLOCK_SELECTOR = ", ".join(BLOCKS)
# After the invisible characters are gone, Python's \s and JavaScript's \s agree.
_WHITESPACE = re.compile(r"\s+")
MAX_SELECTOR = 500


def _select(tree: LexborHTMLParser, selector: str) -> list[LexborNode] | None:
    """The matches of `selector`, or None when it is refused (querySelectorAll throws)."""
    try:
        return tree.css(selector)
    except (SelectolaxError, ValueError):
        return None


def valid_selector(selector: str) -> bool:
    """Whether `selector` is a CSS selector the checker can use (checked when a site is saved)."""
    if not selector.strip() or len(selector) > MAX_SELECTOR:
        return False
    return _select(LexborHTMLParser("<p></p>"), selector) is not None


def _roots(tree: LexborHTMLParser, selector: str | None) -> list[LexborNode]:
    for candidate in (selector, *DEFAULT_CHAIN) if selector else DEFAULT_CHAIN:
        found = _select(tree, candidate)
        if found:
            return found
    return []


def _text_of(root: LexborNode) -> str:
    # Text nodes joined by NUL, which the parser never leaves in text (it becomes U+FFFD):
    # one call into Lexbor instead of a Python object per node.
    joined = root.text(deep=True, separator="\0", strip=False)
    if not joined.isascii():
        # The widget normalises each text node on its own, so a letter and a mark in two
        # nodes stay apart.
        joined = "".join(unicodedata.normalize("NFC", piece) for piece in joined.split("\0"))
    return _WHITESPACE.sub(" ", remove_non_text(joined)).strip()


def _with_ancestors(nodes: list[LexborNode]) -> set[int]:
    kept = set()
    for first in nodes:
        node: LexborNode | None = first
        while node is not None:
            kept.add(node.mem_id)
            node = node.parent
    return kept


def _read(tree: LexborHTMLParser, roots: list[LexborNode], left_out: list[LexborNode]) -> list[str]:
    """The roots' texts once the left-out elements (except roots and their ancestors) are gone."""
    # The widget never looks at a root's own `hidden`, only at what it walks into.
    kept = _with_ancestors(roots)
    # Innermost first: removing an element frees its descendants.
    for node in reversed(left_out):
        if node.mem_id not in kept:
            node.decompose()
    # A block boundary is a whitespace run in the walk: a space text node says the same.
    for node in tree.css(_BLOCK_SELECTOR):
        node.insert_before(" ")
        node.insert_after(" ")
    return [_text_of(root) for root in roots]


def article_texts(html: str, selector: str | None = None) -> list[str]:
    """The text of each article element of `html`, as the widget extracts it (see the module)."""
    tree = LexborHTMLParser(html)
    roots = _roots(tree, selector)
    left_out = tree.css(_LEFT_OUT)
    if len(roots) > 1 and _with_ancestors(roots) & {node.mem_id for node in left_out}:
        # A root inside another root's left-out part (a hidden <article> in an <article>):
        # the outer walk skips it, its own walk does not. Read each root from a tree of its own.
        texts = []
        for index in range(len(roots)):
            own = LexborHTMLParser(html)
            texts += _read(own, [_roots(own, selector)[index]], own.css(_LEFT_OUT))
        return texts
    return _read(tree, roots, left_out)
