"""Placing a reported quote in an article's source and writing the correction there.

The quote (exact words, with up to 32 characters of context each side) is what
the widget saw on the rendered page. It is looked up in the source's visible
text (see :mod:`corrigo.domain.source_text`) with typography folded away
(WordPress shows ``'`` as ``’``, ``--`` as ``–``, ``...`` as ``…``), and applied
only when exactly one place matches it in its context. Only the characters that
differ between the page's words and the correction are rewritten, escaped for
the source's format; the tags and markup around and inside the words stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from corrigo.domain.quote import Quote
from corrigo.domain.source_text import SourceFormat, VisibleText, escape_for, visible_text
from corrigo.domain.text import clean_stripped

# Typography a CMS adds on display (or an editor types) that readers' quotes carry.
_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
    "\u00d7": "x",
    "\u00a0": " ",
}
# How far the preview's sentence may reach on each side of the words.
SENTENCE_REACH = 160
MAX_CORRECTION = 300
_SENTENCE_END = ".!?…"


class Refusal(Enum):
    """Why a correction cannot be placed in a source."""

    NOT_FOUND = (
        "The words were not found in the article's source in their context: "
        "the article changed since the report."
    )
    AMBIGUOUS = "The words appear in several places of the article's source with the same context."
    EMPTY = "The correction is empty."
    NO_CHANGE = "The correction is the same as the reported words."
    TOO_LONG = "The correction may be at most 300 characters."


class PlacementError(Exception):
    """The correction cannot be placed; `refusal` says why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the words are and what the source becomes.

    `changed` is False when the source already reads the correction at that
    place (applied before): `source` is then unchanged.
    """

    source: str
    changed: bool
    sentence_before: str
    sentence_after: str


def fold(text: str) -> tuple[str, list[int]]:
    """`text` with typography folded, and for each folded character the index it came from.

    Runs of dashes fold to one ``-`` (``--`` and ``–`` are the same on a page).
    """
    out: list[str] = []
    owners: list[int] = []
    for index, char in enumerate(text):
        folded = _FOLD.get(char, char)
        if folded == "-" and out and out[-1] == "-" and _FOLD.get(text[index - 1]) == "-":
            continue
        for piece in folded:
            out.append(piece)
            owners.append(index)
    return "".join(out), owners


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, i = [], haystack.find(needle)
    while i != -1 and needle:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


def _context_agrees(folded: str, start: int, end: int, prefix: str, suffix: str) -> bool:
    """The prefix stands before `start` and the suffix after `end`.

    Context is cut only where the text itself ends: the page around the article's
    source (a headline above, a footer below) is not in the source.
    """
    before = folded[max(0, start - len(prefix)) : start]
    after = folded[end : end + len(suffix)]
    return before == prefix[len(prefix) - len(before) :] and after == suffix[: len(after)]


def _matches(folded: str, prefix: str, exact: str, suffix: str) -> list[int]:
    """Start offsets in `folded` where `exact` stands with its context."""
    return [
        start
        for start in _occurrences(folded, exact)
        if _context_agrees(folded, start, start + len(exact), prefix, suffix)
    ]


def _fold_clean(text: str) -> str:
    return " ".join(fold(text)[0].split()) if text.strip() else ""


def _fold_context(text: str, side: str) -> str:
    """Folded context keeping a space at its inner edge (it separates it from the words)."""
    folded = " ".join(fold(text)[0].split())
    if not folded:
        return ""
    if side == "prefix" and text[-1:].isspace():
        return folded + " "
    if side == "suffix" and text[:1].isspace():
        return " " + folded
    return folded


def _locate(page: VisibleText, quote: Quote, words: str) -> list[tuple[int, int]]:
    """Visible-text ranges where `words` stand in the quote's context."""
    folded, owners = fold(page.text)
    exact = _fold_clean(words)
    if not exact:
        return []
    prefix, suffix = _fold_context(quote.prefix, "prefix"), _fold_context(quote.suffix, "suffix")
    ranges = []
    for start in _matches(folded, prefix, exact, suffix):
        last = start + len(exact) - 1
        ranges.append((owners[start], owners[last] + 1))
    return ranges


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``, at most SENTENCE_REACH characters each side."""
    lo = max(0, start - SENTENCE_REACH)
    for i in range(start - 1, lo - 1, -1):
        if text[i] in _SENTENCE_END and i + 1 < start and text[i + 1] == " ":
            lo = i + 2
            break
    hi = min(len(text), end + SENTENCE_REACH)
    for i in range(end, hi):
        if text[i] in _SENTENCE_END and (i + 1 == len(text) or text[i + 1] == " "):
            hi = i + 1
            break
    return lo, hi


_TYPOGRAPHIC_RUN = re.compile(r"[-\u2010-\u2015\u2212]+|\.\.\.")


def _units(text: str) -> list[tuple[str, int, int]]:
    """`text` as comparable units ``(folded, start, end)``: a run of dashes or ``...`` is one.

    So ``--`` in a source and ``—`` in a correction compare equal, as on the page.
    """
    units: list[tuple[str, int, int]] = []
    i = 0
    while i < len(text):
        run = _TYPOGRAPHIC_RUN.match(text, i)
        if run:
            units.append(("-" if run.group(0) != "..." else "...", i, run.end()))
            i = run.end()
            continue
        units.append((_FOLD.get(text[i], text[i]), i, i + 1))
        i += 1
    return units


def _edits(
    page: VisibleText, start: int, end: int, correction: str, fmt: SourceFormat
) -> list[tuple[int, int, str]]:
    """Source edits ``(from, to, text)`` that turn the page's words into the correction.

    The diff runs on folded units, so a ``'`` the source has where the
    correction has ``’`` stays as it is; changed runs keep the tags between
    their characters (the new text goes where the run's first character was).
    """
    seen, wanted = _units(page.text[start:end]), _units(correction)
    matcher = SequenceMatcher(
        a=[unit[0] for unit in seen], b=[unit[0] for unit in wanted], autojunk=False
    )
    edits: list[tuple[int, int, str]] = []
    for op, a_lo, a_hi, b_lo, b_hi in matcher.get_opcodes():
        if op == "equal":
            continue
        text = escape_for(
            correction[wanted[b_lo][1] : wanted[b_hi - 1][2]] if b_hi > b_lo else "", fmt
        )
        if a_lo == a_hi:  # insertion: after the previous character, inside its element
            at = page.spans[start + seen[a_lo - 1][2] - 1][1] if a_lo else page.spans[start][0]
            edits.append((at, at, text))
            continue
        chars = range(start + seen[a_lo][1], start + seen[a_hi - 1][2])
        spans = [page.spans[k] for k in chars]
        real = [span for span in spans if span[1] > span[0]] or spans[:1]
        edits.append((real[0][0], real[0][1], text))
        edits.extend((lo, hi, "") for lo, hi in real[1:])
    return edits


def clean_correction(correction: str, exact: str) -> str:
    """The correction as it will be written: NFC, no control characters, one line.

    Raises :class:`PlacementError` when it is empty, too long or the same as `exact`.
    """
    cleaned = clean_stripped(correction)
    if not cleaned:
        raise PlacementError(Refusal.EMPTY)
    if len(cleaned) > MAX_CORRECTION:
        raise PlacementError(Refusal.TOO_LONG)
    if _fold_clean(cleaned) == _fold_clean(exact):
        raise PlacementError(Refusal.NO_CHANGE)
    return cleaned


def place(source: str, fmt: SourceFormat, quote: Quote, correction: str) -> Placement:
    """Find the quote in `source` and return the source with the correction written there.

    Raises :class:`PlacementError` when the correction is empty or the same as the
    words, when the words are not found in their context, or when they are found
    in more than one place. A source that already reads the correction in that
    context gives ``changed=False`` (applying twice changes nothing).
    """
    correction = clean_correction(correction, quote.exact)
    page = visible_text(source, fmt)
    found = _locate(page, quote, quote.exact)
    if not found:
        done = _locate(page, quote, correction)
        if len(done) == 1:
            lo, hi = _sentence(page.text, *done[0])
            sentence = page.text[lo:hi]
            return Placement(source, False, sentence, sentence)
        raise PlacementError(Refusal.AMBIGUOUS if done else Refusal.NOT_FOUND)
    if len(found) > 1:
        raise PlacementError(Refusal.AMBIGUOUS)
    start, end = found[0]
    new_source = source
    for lo, hi, text in sorted(_edits(page, start, end, correction, fmt), reverse=True):
        new_source = new_source[:lo] + text + new_source[hi:]
    s_lo, s_hi = _sentence(page.text, start, end)
    before = page.text[s_lo:s_hi]
    after = page.text[s_lo:start] + correction + page.text[end:s_hi]
    return Placement(new_source, True, before, after)
