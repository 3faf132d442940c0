"""What a site's memory learns from a decision, and its CSV form.

A fixed group teaches misspelling → correction pairs: each changed word of the
quote with the word that replaced it, or the whole quote when the change is
not word for word. A rejected group teaches its words as accepted.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from corrigo.domain.spreadsheet import neutralise_cell
from corrigo.domain.worddiff import word_diff
from corrigo.domain.words import dictionary_form, is_checkable, words

MAX_WORD = 100
MAX_PHRASE = 300
MAX_COUNT = 1_000_000
CSV_HEADER = ("kind", "misspelling", "correction", "count")
KINDS = ("correction", "word")


class LexiconFormatError(ValueError):
    """A CSV line that cannot be imported; the message names the line."""


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """A correction (`key` misspelt, lower case → `correction`) or, with no correction, a word."""

    key: str
    correction: str = ""
    count: int = 1

    @property
    def kind(self) -> str:
        """`correction` or `word`."""
        return "correction" if self.correction else "word"


@dataclass(frozen=True, slots=True)
class SiteMemory:
    """What a site remembers about some words: misspelling → (correction, times fixed), and
    the words it accepts (all lower case)."""

    fixes: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    accepted: Collection[str] = frozenset()


def learned_fixes(exact: str, corrected: str) -> list[LexiconEntry]:
    """The misspelling → correction pairs that fixing `exact` as `corrected` shows.

    Word for word where the two differ by whole words replaced one by one;
    otherwise the whole quote. Nothing when they are the same or either is empty.
    """
    exact, corrected = exact.strip(), corrected.strip()
    if not exact or not corrected or exact == corrected or len(exact) > MAX_PHRASE:
        return []
    parts = word_diff(exact, corrected)
    pairs: list[LexiconEntry] = []
    for before, after in itertools.pairwise(parts):
        if before.kind == "del" and after.kind == "ins":
            old, new = before.text.strip(), after.text.strip()
            if _one_word(old) and _one_word(new):
                pairs.append(LexiconEntry(old.lower(), new))
    changes = sum(1 for part in parts if part.kind != "same")
    if pairs and changes == 2 * len(pairs):
        return pairs
    if len(corrected) > MAX_PHRASE:
        return []
    return [LexiconEntry(exact.lower(), corrected)]


def _one_word(text: str) -> bool:
    found = words(text)
    return len(found) == 1 and found[0].text == text and len(text) <= MAX_WORD


def accepted_from(texts: Iterable[str]) -> list[LexiconEntry]:
    """Accepted-word entries for the checkable words of `texts`, once each, in order."""
    seen = dict.fromkeys(
        dictionary_form(word.text).lower()
        for text in texts
        for word in words(text)
        if is_checkable(word.text) and len(word.text) <= MAX_WORD
    )
    return [LexiconEntry(word) for word in seen]


def to_csv(fixes: Iterable[LexiconEntry], accepted: Iterable[LexiconEntry]) -> str:
    """The lexicon as CSV (`kind,misspelling,correction,count`), cells safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for entry in [*fixes, *accepted]:
        writer.writerow(
            [
                entry.kind,
                neutralise_cell(entry.key),
                neutralise_cell(entry.correction),
                entry.count,
            ]
        )
    return out.getvalue()


def _unneutralise(cell: str) -> str:
    # An exported cell that would have been a formula carries a leading apostrophe.
    stripped = cell.lstrip(" ")
    if stripped.startswith("'") and neutralise_cell(stripped[1:]) != stripped[1:]:
        return stripped[1:]
    return cell


def from_csv(text: str) -> list[LexiconEntry]:
    """Entries read from CSV as :func:`to_csv` writes it; raises :class:`LexiconFormatError`."""
    reader = csv.reader(io.StringIO(text))
    entries = []
    for number, row in enumerate(reader, start=1):
        if not row or (number == 1 and tuple(cell.strip() for cell in row) == CSV_HEADER):
            continue
        if len(row) != len(CSV_HEADER):
            raise LexiconFormatError(f"line {number}: expected {len(CSV_HEADER)} columns")
        kind, key, correction, count_text = (cell.strip() for cell in row)
        key, correction = _unneutralise(key).strip(), _unneutralise(correction).strip()
        if kind not in KINDS:
            raise LexiconFormatError(f"line {number}: kind must be correction or word")
        try:
            count = int(count_text or "1")
        except ValueError:
            raise LexiconFormatError(f"line {number}: count must be a whole number") from None
        if not 1 <= count <= MAX_COUNT:
            raise LexiconFormatError(f"line {number}: count must be 1 to {MAX_COUNT}")
        limit = MAX_PHRASE if kind == "correction" else MAX_WORD
        if not key or len(key) > limit or len(correction) > MAX_PHRASE:
            raise LexiconFormatError(f"line {number}: misspelling must be 1 to {limit} characters")
        if (kind == "correction") != bool(correction):
            raise LexiconFormatError(f"line {number}: a correction needs a correction, a word none")
        key = key.lower() if correction else dictionary_form(key).lower()
        entries.append(LexiconEntry(key, correction, count))
    return entries
