"""Text Fragment links (``#:~:text=prefix-,start,-suffix``) to the exact reported words."""

from __future__ import annotations

import re
from urllib.parse import quote as percent_encode

from corrigo.domain.quote import CONTEXT_CHARS
from corrigo.domain.url import normalize_url

# The spec's syntax characters must be percent-encoded inside a text directive;
# urllib leaves "-" unencoded, so it is added by hand.
_SAFE = ""
# Context longer than this adds no precision and makes links unwieldy.
CONTEXT_WORDS = 4


def encode_part(text: str) -> str:
    """Percent-encode one part of a text directive, including ``-``, ``,`` and ``&``."""
    return percent_encode(text, safe=_SAFE).replace("-", "%2D")


def _words(text: str, cut_at_limit: bool, from_end: bool) -> list[str]:
    """Whole words of a context string; a context cut at the limit loses its partial word."""
    words = text.split()
    if cut_at_limit and words:
        words = words[1:] if from_end else words[:-1]
    return words[-CONTEXT_WORDS:] if from_end else words[:CONTEXT_WORDS]


def text_directive(exact: str, prefix: str = "", suffix: str = "") -> str:
    """The ``text=`` directive that selects `exact` between its context words.

    Fragments match whole words only, so a selection that starts or ends inside
    a word is widened to that word using the context, and context cut mid-word
    at the 32-character limit is trimmed to whole words.
    """
    exact = " ".join(exact.split())
    head = re.search(r"\S+$", prefix)
    tail = re.search(r"^\S+", suffix)
    if head:
        exact = head.group() + exact
        prefix = prefix[: head.start()]
    if tail:
        exact = exact + tail.group()
        suffix = suffix[tail.end() :]
    before = _words(prefix, len(prefix) + len(head.group() if head else "") >= CONTEXT_CHARS, True)
    after = _words(suffix, len(suffix) + len(tail.group() if tail else "") >= CONTEXT_CHARS, False)
    parts = []
    if before:
        parts.append(encode_part(" ".join(before)) + "-")
    parts.append(encode_part(exact))
    if after:
        parts.append("-" + encode_part(" ".join(after)))
    return "text=" + ",".join(parts)


def fragment_link(url: str, exact: str, prefix: str = "", suffix: str = "") -> str:
    """The page URL with a Text Fragment that scrolls to and highlights the words."""
    try:
        base = normalize_url(url)
    except ValueError:
        base = url.split("#", 1)[0]
    return f"{base}#:~:{text_directive(exact, prefix, suffix)}"
