"""Words of running text by Unicode rules: letters and marks of any script, inner apostrophes
and hyphens, never ASCII classes.

A word is a run of letters, combining marks and digits; an apostrophe (ASCII `'`, the
typographic `’`, the modifier letter `ʼ` Ukrainian uses) or a hyphen between two such
runs keeps them one word (`don't`, `п'ять`, `пʼять`, `well-known`, `будь-який`).
Spans index the text as given, so a caller can highlight or replace in place.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

APOSTROPHES = "'\u2019\u02bc\u02b9`\u2032"
HYPHENS = "-\u2010\u2011"
# Sentences end at . ! ? … followed by space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# A sentence longer than this is shown as a window around the word instead.
MAX_SENTENCE = 400
# Stress marks that readers' texts carry on Cyrillic vowels but dictionaries do not list.
_STRESS = dict.fromkeys(map(ord, "\u0300\u0301"))
_APOSTROPHE_TO_ASCII = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text and where it stands: ``text[start:end] == word``."""

    text: str
    start: int
    end: int


@cache
def _word_pattern() -> Any:
    # The `regex` module knows Unicode properties (`re` has no \p{M}); imported on first
    # use, since a server that never tokenises should not start slower for it.
    import regex

    joiners = regex.escape(APOSTROPHES + HYPHENS)
    return regex.compile(
        r"[\p{L}\p{M}\p{N}]+(?:[" + joiners + r"][\p{L}\p{M}\p{N}]+)*", regex.VERSION1
    )


def words(text: str) -> list[Word]:
    """The words of `text`, in order, with their character spans."""
    return [Word(m.group(), m.start(), m.end()) for m in _word_pattern().finditer(text)]


def is_checkable(word: str) -> bool:
    """Whether a dictionary can say anything about `word`: it has a letter and no digit."""
    has_letter = False
    for char in word:
        category = unicodedata.category(char)
        if category[0] == "N":
            return False
        has_letter = has_letter or category[0] == "L"
    return has_letter


def dictionary_form(word: str) -> str:
    """The spelling to look up: NFC, one apostrophe (`'`), no stress marks.

    Dictionaries list `п'ять` with the ASCII apostrophe; a text may use `’` or `ʼ`,
    and a stress mark left after composition is not part of the spelling.
    """
    # A mark that composes (e + ◌́ → é) is a letter's; one left over after NFC is a stress mark.
    composed = unicodedata.normalize("NFC", word)
    return composed.translate(_STRESS).translate(_APOSTROPHE_TO_ASCII)


def with_apostrophe_of(original: str, suggestion: str) -> str:
    """`suggestion` with the apostrophe the original word used, so a fix keeps the text's style."""
    used = next((char for char in original if char in APOSTROPHES), None)
    return suggestion.replace("'", used) if used else suggestion


def match_case(original: str, suggestion: str) -> str:
    """`suggestion` in the case pattern of `original` (UPPER, Title or as suggested)."""
    letters = [char for char in original if char.isalpha()]
    if len(letters) > 1 and all(char.isupper() for char in letters):
        return suggestion.upper()
    if letters and letters[0].isupper() and suggestion[:1].islower():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


class Sentences:
    """The sentences of a text (a rough split, enough to show a word in its context)."""

    def __init__(self, text: str) -> None:
        self._text = text
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _SENTENCE_END.finditer(text):
            if match.start() > start:
                spans.append((start, match.start()))
            start = match.end()
        if start < len(text):
            spans.append((start, len(text)))
        self._spans = spans
        self._starts = [lo for lo, _hi in spans]

    def around(self, start: int, end: int) -> str:
        """The sentence that holds the span ``start:end``, stripped."""
        index = bisect.bisect_right(self._starts, start) - 1
        if index >= 0:
            lo, hi = self._spans[index]
            if end <= hi and hi - lo <= MAX_SENTENCE:
                return self._text[lo:hi].strip()
        # No sentence, or one too long to show: a window around the word.
        window = MAX_SENTENCE // 2
        return self._text[max(0, start - window) : end + window].strip()
