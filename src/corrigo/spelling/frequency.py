"""Word frequencies from the `wordfreq` package's own data files (no download at run time)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

# How many of the most frequent words decide a language's alphabet.
ALPHABET_SAMPLE = 5000


@lru_cache(maxsize=16)
def _table(language: str) -> dict[str, float]:
    # Imported on first use: wordfreq takes seconds to import, and a server that
    # never proposes anything (or not yet) should not start slower for it.
    import wordfreq

    if language not in wordfreq.available_languages(wordlist="best"):
        return {}
    return wordfreq.get_frequency_dict(language, wordlist="best")


def zipf_lookup(language: str) -> Callable[[str], float]:
    """A function: word → its Zipf frequency in `language` (0 for an unseen word; 7 ≈ "the").

    A phrase scores as its rarest word, so `a lot` is not unseen.
    """
    table = _table(language)

    def zipf(text: str) -> float:
        frequencies = [table.get(part.lower(), 0.0) for part in text.split()]
        lowest = min(frequencies, default=0.0)
        return round(math.log10(lowest) + 9, 2) if lowest > 0 else 0.0

    return zipf


@lru_cache(maxsize=16)
def alphabet_of(language: str) -> str:
    """The letters of `language`'s frequent words (what a one-letter edit may put in)."""
    letters: set[str] = set()
    for word in list(_table(language))[:ALPHABET_SAMPLE]:
        letters.update(char for char in word if char.isalpha() or char == "'")
    return "".join(sorted(letters))
