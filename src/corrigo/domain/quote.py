"""Quotes (W3C TextQuoteSelector plus TextPositionSelector) and when two of them overlap."""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT_CHARS = 32
# Two windows aligned by text alone must agree on at least this many characters,
# so a short quote does not latch onto a coincidental match elsewhere.
MIN_TEXT_ALIGNMENT = 24


@dataclass(frozen=True, slots=True)
class Quote:
    """A selection: the exact words, their context, and optionally where they start.

    `start` counts characters (code points) of the article's whitespace-normalised
    text, as the widget computes it; the end is implied by ``start + len(exact)``.
    """

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None

    @property
    def window(self) -> str:
        """The quote with its context: prefix + exact + suffix."""
        return self.prefix + self.exact + self.suffix

    @property
    def end(self) -> int | None:
        """Where the exact words end, when the start is known."""
        return None if self.start is None else self.start + len(self.exact)


def _agree(a: Quote, b: Quote, offset: int) -> tuple[bool, int]:
    """Do the windows agree when b's window starts `offset` characters into a's?

    Returns (agree, number of characters compared).
    """
    wa, wb = a.window, b.window
    lo, hi = max(0, offset), min(len(wa), offset + len(wb))
    if hi <= lo:
        return False, 0
    return wa[lo:hi] == wb[lo - offset : hi - offset], hi - lo


def _exact_spans_overlap(a: Quote, b: Quote, offset: int) -> bool:
    a_lo, a_hi = len(a.prefix), len(a.prefix) + len(a.exact)
    b_lo, b_hi = offset + len(b.prefix), offset + len(b.prefix) + len(b.exact)
    return a_lo < b_hi and b_lo < a_hi


def overlaps(a: Quote, b: Quote) -> bool:
    """Whether two selections cover some of the same characters at the same place.

    With positions on both sides the positions decide, and the overlapping text
    must match (a page edited between two reports is not a match). Without
    positions, the windows are aligned on the text itself. Adjacent selections
    ("to" and "implement") never overlap.
    """
    if not a.exact or not b.exact:
        return False
    if a.start is not None and b.start is not None:
        offset = (b.start - len(b.prefix)) - (a.start - len(a.prefix))
        if not _exact_spans_overlap(a, b, offset):
            return False
        agree, _ = _agree(a, b, offset)
        return agree
    needed = min(MIN_TEXT_ALIGNMENT, len(a.window), len(b.window))
    for offset in _candidate_offsets(a, b):
        if not _exact_spans_overlap(a, b, offset):
            continue
        agree, compared = _agree(a, b, offset)
        if agree and compared >= needed:
            return True
    return False


def _candidate_offsets(a: Quote, b: Quote) -> set[int]:
    """Offsets where b's exact occurs in a's window, or a's exact in b's window."""
    offsets: set[int] = set()
    wa, wb = a.window, b.window
    i = wa.find(b.exact)
    while i != -1:
        offsets.add(i - len(b.prefix))
        i = wa.find(b.exact, i + 1)
    j = wb.find(a.exact)
    while j != -1:
        offsets.add(len(a.prefix) - j)
        j = wb.find(a.exact, j + 1)
    return offsets


ELLIPSIS = "…"


def shown_context(prefix: str, suffix: str) -> tuple[str, str]:
    """The context as an editor reads it: cut at word boundaries, "…" where it was cut.

    The widget sends at most CONTEXT_CHARS characters on each side, so a full-length
    side was cut from a longer text, usually inside a word: that partial word is
    dropped. A shorter side reaches the start or end of the article and stays whole.
    A side with no space in it (one long word, or a script written without spaces)
    keeps its characters and only gains the "…".
    """
    if len(prefix) >= CONTEXT_CHARS:
        _, space, rest = prefix.partition(" ")
        prefix = ELLIPSIS + (rest if space and rest.strip() else prefix.lstrip())
    if len(suffix) >= CONTEXT_CHARS:
        rest, space, _ = suffix.rpartition(" ")
        suffix = (rest if space and rest.strip() else suffix.rstrip()) + ELLIPSIS
    return prefix, suffix
