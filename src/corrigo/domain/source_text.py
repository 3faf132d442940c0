"""The visible text of an HTML or Markdown source, with where each character comes from.

A reader selects words on the rendered page; the CMS keeps the article as HTML
(WordPress, HTML files) or Markdown. To change the words in the source, the
source is read as the widget would read the page: tags and Markdown markup are
hidden, entities are decoded, whitespace runs (line breaks, block boundaries,
``&nbsp;``) fold to one space. Every visible character keeps the span of source
characters it came from, so a change to the visible text becomes an edit of
exactly those characters, keeping every tag and attribute around them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

SourceFormat = Literal["html", "markdown"]

# One tag with its attributes; quoted attribute values may hold ">".
_TAG = re.compile(r"</?[A-Za-z][^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DECLARATION = re.compile(r"<[!?][^>]*>")
_RAW_ELEMENT = re.compile(r"<(script|style|template)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.S | re.I)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# Elements that start a new line on the page: the widget sees a space between them.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Markdown block markers at the start of a line: indentation, headings, quotes, list items.
_MD_LINE_START = re.compile(
    r"[ \t]{0,3}(?:(?:>[ \t]?)+)?(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+)?"
)
_MD_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_MD_RULE = re.compile(r"[ \t]{0,3}(?:(?:[-*_][ \t]*){3,}|=+[ \t]*)$")
_MD_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)\n.*?\n\1[ \t]*(?:\n|\Z)", re.S)
_MD_LINK_TAIL = re.compile(
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\)|\]\[[^\]]*\]"
)
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_AUTOLINK = re.compile(r"<(?:https?|mailto):[^<>\s]*>")
_MD_ESCAPABLE = frozenset("\\`*_{}[]()#+-.!<>&~|\"'")


@dataclass(frozen=True, slots=True)
class VisibleText:
    """The page text of a source and, for each character, its ``[start, end)`` in the source.

    A space the page shows between two blocks with nothing between them in the
    source has an empty span at the tag that makes the break.
    """

    text: str
    spans: tuple[tuple[int, int], ...]


class _Builder:
    """Collects visible characters, folding whitespace runs and composing combining marks."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self._space_open = False  # the last character is a folded space still growing

    def char(self, value: str, start: int, end: int) -> None:
        if value.isspace():
            self.space(start, end)
            return
        if value == "\u00ad":  # soft hyphen: invisible on the page
            return
        if unicodedata.combining(value) and self.chars and not self.chars[-1].isspace():
            composed = unicodedata.normalize("NFC", self.chars[-1] + value)
            if len(composed) == 1:
                self.chars[-1] = composed
                self.spans[-1] = (self.spans[-1][0], end)
                return
        self._space_open = False
        self.chars.append(value)
        self.spans.append((start, end))

    def space(self, start: int, end: int) -> None:
        """A whitespace character, or a block boundary (``start == end``)."""
        if not self.chars:
            return
        if self.chars[-1] == " ":
            first, last = self.spans[-1]
            # Grow the folded space over adjacent real whitespace only, so that
            # deleting it never deletes a tag between two runs.
            if self._space_open and last == start and end > start:
                self.spans[-1] = (first, end)
            elif first == last and end > start:
                self.spans[-1] = (start, end)
                self._space_open = True
            return
        self.chars.append(" ")
        self.spans.append((start, end))
        self._space_open = end > start

    def hidden(self) -> None:
        """Markup that shows nothing: the whitespace before it stops growing."""
        self._space_open = False

    def result(self) -> VisibleText:
        while self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.spans.pop()
        return VisibleText("".join(self.chars), tuple(self.spans))


def _entity(builder: _Builder, source: str, match: re.Match[str]) -> bool:
    """Emit a character reference; False when it is not one (a bare ``&``)."""
    raw = match.group(0)
    decoded = html.unescape(raw)
    if decoded == raw:
        return False
    for value in decoded:
        builder.char(value, match.start(), match.end())
    return True


def _markup(builder: _Builder, source: str, i: int) -> int | None:
    """Skip a tag, comment or raw element at `i`; the index after it, or None if none is there."""
    for pattern in (_COMMENT, _RAW_ELEMENT, _TAG, _DECLARATION):
        match = pattern.match(source, i)
        if match:
            name = _TAG_NAME.match(match.group(0))
            if name and name.group(1).lower() in _BLOCKS:
                builder.space(match.start(), match.start())
            else:
                builder.hidden()
            return match.end()
    return None


def html_text(source: str) -> VisibleText:
    """The visible text of an HTML fragment (a post's content, an HTML file's body)."""
    builder = _Builder()
    i, size = 0, len(source)
    while i < size:
        c = source[i]
        if c == "<":
            after = _markup(builder, source, i)
            if after is not None:
                i = after
                continue
        elif c == "&":
            match = _ENTITY.match(source, i)
            if match and _entity(builder, source, match):
                i = match.end()
                continue
        builder.char(c, i, i + 1)
        i += 1
    return builder.result()


def _emphasis_is_markup(source: str, i: int, run: int) -> bool:
    """Whether a run of ``*``/``_``/``~`` at `i` is emphasis markup rather than a literal."""
    before = source[i - 1] if i > 0 else " "
    after = source[i + run] if i + run < len(source) else " "
    if before.isspace() and after.isspace():
        return False  # "2 * 3", a lone star between spaces
    # CommonMark: "_" inside a word (snake_case) is a literal.
    return not (source[i] == "_" and before.isalnum() and after.isalnum())


def _markdown_inline(builder: _Builder, source: str, start: int, end: int) -> None:
    i = start
    while i < end:
        c = source[i]
        if c == "\\" and i + 1 < end and source[i + 1] in _MD_ESCAPABLE:
            builder.char(source[i + 1], i, i + 2)
            i += 2
            continue
        if c == "!" and (image := _MD_IMAGE.match(source, i, end)):
            builder.hidden()
            i = image.end()
            continue
        if c == "]" and (tail := _MD_LINK_TAIL.match(source, i, end)):
            builder.hidden()
            i = tail.end()
            continue
        if c == "<" and (auto := _MD_AUTOLINK.match(source, i, end)):
            for k in range(auto.start() + 1, auto.end() - 1):
                builder.char(source[k], k, k + 1)
            i = auto.end()
            continue
        if c in "*_~`[":
            run = 1
            while i + run < end and source[i + run] == c:
                run += 1
            if c in "`[" or _emphasis_is_markup(source, i, run):
                builder.hidden()
                i += run
                continue
        if c == "<":
            after = _markup(builder, source, i)
            if after is not None:
                i = after
                continue
        if (
            c == "&"
            and (match := _ENTITY.match(source, i, end))
            and _entity(builder, source, match)
        ):
            i = match.end()
            continue
        builder.char(c, i, i + 1)
        i += 1


def markdown_text(source: str) -> VisibleText:
    """The visible text of a Markdown document (front matter, block and inline markup hidden)."""
    builder = _Builder()
    front = _MD_FRONT_MATTER.match(source)
    offset = front.end() if front else 0
    in_fence: str | None = None
    for line in source[offset:].splitlines(keepends=True):
        start, body_end = offset, offset + len(line.rstrip("\r\n"))
        offset += len(line)
        text = source[start:body_end]
        fence = _MD_FENCE.match(text)
        if fence and (in_fence is None or fence.group(1) == in_fence):
            in_fence = fence.group(1) if in_fence is None else None
            builder.space(start, start)
            continue
        if in_fence is not None:
            for k in range(start, body_end):
                builder.char(source[k], k, k + 1)
        elif _MD_RULE.match(text):
            builder.space(start, start)
            continue
        else:
            marker = _MD_LINE_START.match(text)
            inline_start = start + (marker.end() if marker else 0)
            if inline_start > start:
                builder.space(start, start)
            _markdown_inline(builder, source, inline_start, body_end)
        if body_end < offset:
            builder.space(body_end, body_end + 1)
    return builder.result()


def visible_text(source: str, fmt: SourceFormat) -> VisibleText:
    """The visible text of a source in the given format."""
    return html_text(source) if fmt == "html" else markdown_text(source)


def escape_for(text: str, fmt: SourceFormat) -> str:
    """`text` as it must be written into a source to show literally on the page."""
    if fmt == "html":
        return html.escape(text, quote=False)
    return "".join("\\" + c if c in "\\`*_[]<>&~#|" else c for c in text)
