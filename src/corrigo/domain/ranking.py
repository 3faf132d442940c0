"""Ranking a misspelling's candidate corrections: how close, how common, what the libraries said.

A noisy-channel score: a frequent word at one edit beats a rare word at one edit,
and a close word beats a far one. The dictionaries' own order breaks near ties,
so the score only overrides the library where frequency and distance agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from corrigo.domain.words import dictionary_form

# Weights found on a development split of English misspelling pairs (bench/spelling),
# disjoint from the pairs the benchmark reports on.
FREQUENCY_WEIGHT = 1.0
DISTANCE_WEIGHT = 2.5
RANK_WEIGHT = 0.6
# Rank given to a candidate that no library listed (found by a one-edit search).
UNLISTED_RANK = 6
CASE_PENALTY = 1.0
SPLIT_PENALTY = 3.0
MAX_SUGGESTIONS = 5
# Letters a writer easily puts in for one another: an edit between them costs less.
_CLOSE_PAIRS = {
    frozenset(pair)
    for pair in ("ae", "ei", "ie", "ou", "ao", "sc", "sz", "cs", "kc", "ck", "ij", "yi", "еи", "иі")
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible correction and the best (0-based) place any library gave it."""

    text: str
    rank: int


def merge_suggestions(lists: Iterable[Sequence[str]], extra: Iterable[str] = ()) -> list[Candidate]:
    """One candidate per distinct suggestion with its best library rank; `extra` ranked last."""
    best: dict[str, int] = {}
    for suggestions in lists:
        for rank, text in enumerate(suggestions):
            best[text] = min(rank, best.get(text, rank))
    for text in extra:
        best.setdefault(text, UNLISTED_RANK)
    return [Candidate(text, rank) for text, rank in best.items()]


def distance(word: str, candidate: str) -> float:
    """Edit distance (adjacent swaps count one), with cheaper swaps of easily confused letters."""
    # Imported on first use: rapidfuzz takes a while to import, and most processes
    # (the server's request handlers) never rank anything.
    from rapidfuzz.distance import OSA

    a, b = dictionary_form(word).lower(), dictionary_form(candidate).lower()
    steps = OSA.distance(a, b)
    if steps == 1 and len(a) == len(b):
        changed = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
        if len(changed) == 1 and changed[0] in _CLOSE_PAIRS:
            return 0.6
    return float(steps)


def _shape_penalty(word: str, candidate: str) -> float:
    """A cost for a candidate that changes the word's shape: capitals or a split into two."""
    penalty = 0.0
    if word.islower() and not candidate.islower():
        # A lower-case misprint is rarely a name: `morroco` means `morocco`, not `Morocco`.
        penalty += CASE_PENALTY
    if any(char in candidate and char not in word for char in " -"):
        penalty += SPLIT_PENALTY
    return penalty


def score(word: str, candidate: Candidate, zipf: Callable[[str], float]) -> float:
    """How likely `candidate` is what the writer meant by `word` (higher is likelier)."""
    return (
        FREQUENCY_WEIGHT * zipf(candidate.text)
        - DISTANCE_WEIGHT * distance(word, candidate.text)
        - RANK_WEIGHT * candidate.rank
        - _shape_penalty(word, candidate.text)
    )


def rank(
    word: str,
    candidates: Sequence[Candidate],
    zipf: Callable[[str], float],
    limit: int = MAX_SUGGESTIONS,
) -> list[str]:
    """The best `limit` candidates for `word`, best first; the word itself is never one."""
    form = dictionary_form(word)
    scored = sorted(
        (c for c in candidates if c.text != form and c.text != word),
        key=lambda c: (-score(word, c, zipf), c.rank, c.text),
    )
    return [c.text for c in scored[:limit]]


def one_edit_variants(word: str, alphabet: str) -> set[str]:
    """Every string one deletion, swap, substitution or insertion away from `word` (lower case)."""
    word = word.lower()
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + char + right[1:] for left, right in splits if right for char in alphabet}
    inserts = {left + char + right for left, right in splits for char in alphabet}
    return (deletes | swaps | replaces | inserts) - {word}
