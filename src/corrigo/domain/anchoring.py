"""Finding a reported quote in the article's text as it is now (pure).

The quote is the widget's: the exact words, up to 32 characters of context each
side and the position it had. :func:`anchor` looks for the passage in the
current text and says what became of the words:

- ``present``: the words are still there, in their context;
- ``corrected``: the context is there and something else stands between it
  (``now`` holds what: "integration" where "intergration" was);
- ``missing``: the passage is gone or rewritten beyond recognition.

The context may have changed a little (a word near the quote edited), the
paragraph may have moved, and the same words may appear elsewhere on the page:
candidates are the places where the whole window, the words or a piece of the
context occur, and each is aligned with the window character by character
(difflib); the one whose context agrees best wins, then the one nearest the
old position. Text is compared as the widget and the extractor produce it, so
no further normalising happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from corrigo.domain.quote import Quote

Outcome = Literal["present", "corrected", "missing"]
PRESENT: Outcome = "present"
CORRECTED: Outcome = "corrected"
MISSING: Outcome = "missing"

# Share of the context characters that must align, in runs of at least MIN_RUN
# characters: single letters in common are coincidence, not context.
MIN_CONTEXT_SHARE = 0.6
MIN_RUN = 3
# Context pieces searched for to find the passage when the words themselves changed.
PIECE = 10
MAX_CANDIDATES = 40


@dataclass(frozen=True, slots=True)
class Anchored:
    """Where the quote's passage stands now: outcome, what stands there, and where."""

    outcome: Outcome
    now: str | None = None
    start: int | None = None
    root: int | None = None


@dataclass(frozen=True, slots=True)
class _Fit:
    share: float  # of the context characters that aligned
    distance: int  # from where the widget saw the words
    start: int
    end: int


def _boundaries(blocks: Sequence[tuple[int, int, int]], before: int, after: int) -> tuple[int, int]:
    """Where the window's [before, after) span falls in the aligned text.

    A boundary inside an aligned run is exact; at the edge of a run, text
    inserted there counts as part of the words (an "a" that became "an").
    """
    start = end = None
    for a, b, size in blocks:
        if a < before < a + size:
            start = b + before - a
        if a < after < a + size:
            end = b + after - a
    if start is None:
        ending = [b + size for a, b, size in blocks if a + size <= before]
        if ending:
            start = ending[-1]
        else:  # no context aligned before the words: count back from the first run
            a, b, _ = blocks[0]
            start = max(0, b - (a - before))
    if end is None:
        beginning = [b for a, b, size in blocks if a >= after]
        if beginning:
            end = beginning[0]
        else:
            a, b, size = blocks[-1]
            end = b + size + (after - a - size)
    return start, end


def _fit(quote: Quote, text: str, origin: int) -> _Fit | None:
    """Align the quote's window with the text around `origin` (where the window would begin)."""
    window = quote.window
    slack = max(16, len(quote.exact))
    lo = max(0, origin - slack)
    hi = min(len(text), origin + len(window) + slack)
    if lo >= hi:
        return None
    piece = text[lo:hi]
    matcher = SequenceMatcher(None, window, piece, autojunk=False)
    blocks = [block for block in matcher.get_matching_blocks() if block.size >= MIN_RUN]
    if not blocks:
        return None
    before, after = len(quote.prefix), len(quote.prefix) + len(quote.exact)
    agreed = sum(
        max(0, min(a + size, before) - a) + max(0, a + size - max(a, after))
        for a, _, size in blocks
    )
    context = len(quote.prefix) + len(quote.suffix)
    start, end = _boundaries(blocks, before, after)
    end = min(max(end, start), len(piece))
    # With no context at all only the words themselves can be found.
    alone = 1.0 if piece[start:end] == quote.exact else 0.0
    share = agreed / context if context else alone
    expected = origin + before if quote.start is None else quote.start
    return _Fit(share, abs(lo + start - expected), lo + start, lo + end)


def _occurrences(text: str, needle: str, near: int, limit: int) -> list[int]:
    """Where `needle` occurs in `text`, the `limit` nearest to `near` first."""
    found = []
    at = text.find(needle)
    while at >= 0:
        found.append(at)
        at = text.find(needle, at + 1)
    return sorted(found, key=lambda i: abs(i - near))[:limit]


def _origins(quote: Quote, text: str) -> list[int]:
    """Where the quote's window may begin in `text`, most likely first."""
    prefix, exact, suffix = quote.prefix, quote.exact, quote.suffix
    near = len(prefix) if quote.start is None else quote.start
    per = MAX_CANDIDATES // 5
    origins = [] if quote.start is None else [quote.start - len(prefix)]
    origins += [i - len(prefix) for i in _occurrences(text, exact, near, per)]
    if len(prefix) >= PIECE:
        tail = len(prefix) - PIECE
        origins += [i - tail for i in _occurrences(text, prefix[tail:], near - PIECE, per)]
        origins += _occurrences(text, prefix[:PIECE], near - len(prefix), per)
    if len(suffix) >= PIECE:
        head = len(prefix) + len(exact)
        origins += [i - head for i in _occurrences(text, suffix[:PIECE], near + len(exact), per)]
        last = len(quote.window) - PIECE
        origins += [i - last for i in _occurrences(text, suffix[-PIECE:], near, per)]
    return list(dict.fromkeys(origins))


def _longest_now(exact: str) -> int:
    """What may stand in place of the words before the passage counts as rewritten."""
    return max(2 * len(exact), len(exact) + 40)


def _anchor_one(quote: Quote, text: str) -> tuple[Anchored, float]:
    near = len(quote.prefix) if quote.start is None else quote.start
    # The usual case costs a substring search: the whole window is still there.
    whole = _occurrences(text, quote.window, near - len(quote.prefix), 1)
    if whole:
        start = whole[0] + len(quote.prefix)
        return Anchored(PRESENT, quote.exact, start), 1.0
    fits = [fit for origin in _origins(quote, text) if (fit := _fit(quote, text, origin))]
    fits = [fit for fit in fits if fit.share >= MIN_CONTEXT_SHARE]
    if not fits:
        return Anchored(MISSING), 0.0
    best = min(fits, key=lambda fit: (-round(fit.share, 2), fit.distance))
    now = text[best.start : best.end]
    if now == quote.exact:
        return Anchored(PRESENT, now, best.start), best.share
    if len(now) > _longest_now(quote.exact):
        return Anchored(MISSING), 0.0
    return Anchored(CORRECTED, now.strip(), best.start), best.share


_RANK = {PRESENT: 0, CORRECTED: 1, MISSING: 2}


def anchor(quote: Quote, texts: list[str]) -> Anchored:
    """The quote's fate in the article's text(s) now: present, corrected or missing.

    `texts` is one string per article element (see corrigo.domain.article); the
    result's `root` says which one the passage was found in.
    """
    results = []
    for index, text in enumerate(texts):
        found, share = _anchor_one(quote, text)
        results.append((_RANK[found.outcome], -share, index, found))
    if not results:
        return Anchored(MISSING)
    _, _, index, found = min(results, key=lambda r: r[:3])
    if found.outcome == MISSING:
        return found
    return Anchored(found.outcome, found.now, found.start, index)
