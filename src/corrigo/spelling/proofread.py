"""Proofreading a text before it is published: each suspect word, where it is, and why.

A word is suspect when the site's memory has seen it fixed before (reason
``site: …``), when the dictionary does not know it and the site does not
accept it (reason ``dictionary``), or when it is typed twice in a row (reason
``repeated word``, the span covering both). The site's memory comes in as plain data,
read from the store by the caller for the words this text holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corrigo.domain.lexicon import SiteMemory
from corrigo.domain.proposal import repeated_words
from corrigo.domain.words import Sentences, Word, dictionary_form, is_checkable, words
from corrigo.spelling.dictionaries import speller
from corrigo.spelling.review import unknown_words

# Distinct unknown words that get dictionary suggestions (each can take a tenth of a
# second); the rest are still listed, without suggestions.
MAX_SUGGESTED = 100
# Issues listed at most; a text with more is not a draft but a word list.
MAX_ISSUES = 2000
REPEATED = "repeated word"


@dataclass(frozen=True, slots=True)
class Issue:
    """One suspect word: its span in the text, its sentence, suggestions, and the reason."""

    word: str
    start: int
    end: int
    sentence: str
    suggestions: list[str]
    reason: str

    def as_json(self) -> dict[str, Any]:
        """The API's shape of an issue."""
        return {
            "word": self.word,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "suggestions": self.suggestions,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Proofread:
    """The outcome: the dictionary used (None when the language has none) and the issues."""

    dictionary: str | None
    issues: list[Issue]
    truncated: bool = False

    def as_json(self) -> dict[str, Any]:
        """The API's and the CLI's JSON shape."""
        return {
            "dictionary": self.dictionary,
            "issues": [issue.as_json() for issue in self.issues],
            "truncated": self.truncated,
        }


def memory_keys(text: str) -> set[str]:
    """The lower-case words of `text` a site's memory may know (what the caller looks up)."""
    return {
        dictionary_form(word.text).lower() for word in words(text) if is_checkable(word.text)
    } | {word.text.lower() for word in words(text)}


def site_reason(correction: str, count: int) -> str:
    """The reason given for a word the site has fixed before."""
    times = "once" if count == 1 else f"{count} times"
    return f'site: readers reported this {times}, fixed as "{correction}"'


def proofread(text: str, lang: str, memory: SiteMemory) -> Proofread:
    """Every suspect word of `text`, in order (see the module doc)."""
    found = [word for word in words(text) if is_checkable(word.text)]
    check = speller(lang) if lang else None
    sentences = Sentences(text)
    remembered: dict[int, tuple[str, int]] = {}
    for word in found:
        fix = memory.fixes.get(word.text.lower()) or memory.fixes.get(
            dictionary_form(word.text).lower()
        )
        if fix is not None:
            remembered[word.start] = fix
    unknown: list[Word] = unknown_words(check, found, memory.accepted) if check is not None else []
    suspects = sorted(
        {
            word.start: word for word in [*unknown, *(w for w in found if w.start in remembered)]
        }.values(),
        key=lambda word: word.start,
    )
    truncated = len(suspects) > MAX_ISSUES
    suggested: dict[str, list[str]] = {}
    issues = []
    for word in suspects[:MAX_ISSUES]:
        suggestions: list[str] = []
        if check is not None and (word.text in suggested or len(suggested) < MAX_SUGGESTED):
            suggestions = suggested.setdefault(word.text, check.suggest(word.text, quick=True))
        fix = remembered.get(word.start)
        if fix is not None:
            correction, count = fix
            reason = site_reason(correction, count)
            suggestions = [correction, *(s for s in suggestions if s != correction)]
        else:
            reason = "dictionary"
        issues.append(
            Issue(
                word.text,
                word.start,
                word.end,
                sentences.around(word.start, word.end),
                suggestions[:5],
                reason,
            )
        )
    for before, after in repeated_words(text):
        issues.append(
            Issue(
                text[before.start : after.end],
                before.start,
                after.end,
                sentences.around(before.start, after.end),
                [before.text],
                REPEATED,
            )
        )
    issues.sort(key=lambda issue: (issue.start, issue.end))
    truncated = truncated or len(issues) > MAX_ISSUES
    return Proofread(check.name if check else None, issues[:MAX_ISSUES], truncated)
