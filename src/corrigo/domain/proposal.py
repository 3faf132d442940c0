"""The proposed correction of a group: what the whole quote should read, and why.

Sources, in order: the correction readers suggested most (ties: the most
recent); else the site's memory of misspellings fixed before; else each
unknown word's best dictionary suggestion applied to the quote (and a word
typed twice in a row written once).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from corrigo.domain.words import Word, is_checkable, match_case, with_apostrophe_of, words

Source = Literal["readers", "site", "dictionary"]
NOT_A_SPELLING_ERROR = "may not be a spelling error: grammar, fact, or a false report"


@dataclass(frozen=True, slots=True)
class ReaderSuggestion:
    """One distinct correction readers sent, how many sent it, and when last."""

    text: str
    count: int
    last_at: datetime


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the quote should read, where that came from, and how many readers said so."""

    text: str
    source: Source
    readers: int = 0

    def as_json(self) -> dict[str, Any]:
        """The API's shape: ``{"text", "source", "readers"}``."""
        return {"text": self.text, "source": self.source, "readers": self.readers}


@dataclass(frozen=True, slots=True)
class DictionaryView:
    """What the dictionary said about the quote: its unknown words and their suggestions."""

    lang: str
    unknown: list[str]
    suggestions: dict[str, list[str]]

    @property
    def hint(self) -> str:
        """A word for the editor when the dictionary knows every word; "" otherwise."""
        return NOT_A_SPELLING_ERROR if not self.unknown else ""

    def as_json(self) -> dict[str, Any]:
        """The API's shape: ``{"lang", "unknown", "suggestions"}``."""
        return {"lang": self.lang, "unknown": self.unknown, "suggestions": self.suggestions}


@dataclass(frozen=True, slots=True)
class StoredProposal:
    """A group's proposal (None when no source had one) and the dictionary's view (None
    when no dictionary serves the language), as computed and stored."""

    proposal: Proposal | None
    dictionary: DictionaryView | None

    @property
    def hint(self) -> str:
        """The "may not be a spelling error" hint, when the dictionary knows every word."""
        return self.dictionary.hint if self.dictionary is not None else ""

    def as_json(self) -> dict[str, Any]:
        """The fields the API, webhooks and the export add to a group."""
        return {
            "proposal": self.proposal.as_json() if self.proposal else None,
            "dictionary": self.dictionary.as_json() if self.dictionary else None,
            "hint": self.hint or None,
        }


NOT_COMPUTED: dict[str, Any] = {"proposal": None, "dictionary": None, "hint": None}


@dataclass(frozen=True, slots=True)
class GroupFacts:
    """Everything a proposal is made from; gathered by the store and the dictionaries."""

    exact: str
    reader_suggestions: Sequence[ReaderSuggestion]
    memory: Mapping[str, str]
    suggestions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    # The quote's surroundings on the page, to write apostrophes the way the page does.
    context: str = ""


def readers_choice(suggestions: Sequence[ReaderSuggestion]) -> ReaderSuggestion | None:
    """The correction most readers sent; of equals, the one sent most recently."""
    usable = [s for s in suggestions if s.text.strip()]
    if not usable:
        return None
    return max(usable, key=lambda s: (s.count, s.last_at))


def replace_words(text: str, replacement: Mapping[str, str]) -> str:
    """`text` with each word that `replacement` maps (by its lower-case form) replaced in place.

    A replacement keeps the word's case pattern and apostrophe; text between
    words stays exactly as it was.
    """
    pieces = []
    last = 0
    for word in words(text):
        new = replacement.get(word.text.lower())
        if new is None:
            continue
        pieces.append(text[last : word.start])
        pieces.append(match_case(word.text, with_apostrophe_of(word.text, new)))
        last = word.end
    pieces.append(text[last:])
    return "".join(pieces)


def from_memory(exact: str, memory: Mapping[str, str]) -> str | None:
    """The quote corrected by the site's memory, or None when it knows none of the words.

    A quote the memory knows whole (a phrase fixed before) is replaced whole.
    """
    whole = memory.get(exact.strip().lower())
    if whole is not None:
        return match_case(exact.strip(), whole)
    if not any(w.text.lower() in memory for w in words(exact)):
        return None
    return replace_words(exact, memory)


def repeated_words(text: str) -> list[tuple[Word, Word]]:
    """Each word typed twice in a row (`the the`, case aside): the pair of occurrences."""
    return [
        (before, after)
        for before, after in itertools.pairwise(words(text))
        if after.text.lower() == before.text.lower()
        and text[before.end : after.start].isspace()
        and is_checkable(before.text)
    ]


def collapse_repeats(text: str) -> str:
    """`text` with a word repeated right after itself written once (`the the` → `the`)."""
    pieces = []
    last = 0
    for before, after in repeated_words(text):
        if before.start < last:
            continue
        pieces.append(text[last : before.end])
        last = after.end
    pieces.append(text[last:])
    return "".join(pieces)


def page_apostrophe(text: str, context: str) -> str:
    """`text` with ASCII apostrophes written as the page writes them (`’` or `ʼ`), if it does."""
    if "'" not in text:
        return text
    style = next((char for char in context if char in "’ʼ"), None)
    return text.replace("'", style) if style else text


def propose(facts: GroupFacts) -> Proposal | None:
    """The proposal for a group, or None when no source has one (see the module doc)."""
    chosen = readers_choice(facts.reader_suggestions)
    if chosen is not None:
        return Proposal(chosen.text, "readers", chosen.count)
    remembered = from_memory(facts.exact, facts.memory)
    if remembered is not None and remembered != facts.exact:
        return Proposal(remembered, "site")
    best = {word.lower(): found[0] for word, found in facts.suggestions.items() if found}
    corrected = collapse_repeats(replace_words(facts.exact, best))
    if corrected == facts.exact:
        return None
    return Proposal(page_apostrophe(corrected, facts.context), "dictionary")
