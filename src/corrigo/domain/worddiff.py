"""A word-level diff between the quoted text and a reader's proposed correction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Words and the runs of whitespace or punctuation between them, so the pieces
# joined back give the original text exactly.
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class DiffPart:
    """A run of text that is kept, removed from the quote, or inserted by the correction."""

    kind: Literal["same", "del", "ins"]
    text: str


def tokens(text: str) -> list[str]:
    """Words, whitespace runs and single punctuation marks, in order."""
    return _TOKENS.findall(text)


def _append(parts: list[DiffPart], kind: Literal["same", "del", "ins"], text: str) -> None:
    if not text:
        return
    if parts and parts[-1].kind == kind:
        parts[-1] = DiffPart(kind, parts[-1].text + text)
    else:
        parts.append(DiffPart(kind, text))


def word_diff(old: str, new: str) -> list[DiffPart]:
    """How `new` differs from `old`, word by word.

    Joining the "same" and "del" parts gives `old`; joining "same" and "ins"
    gives `new`. A changed word shows as the old word removed and the new one
    inserted, never as a jumble of letters.
    """
    a, b = tokens(old), tokens(new)
    parts: list[DiffPart] = []
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a_lo, a_hi, b_lo, b_hi in matcher.get_opcodes():
        if op == "equal":
            _append(parts, "same", "".join(a[a_lo:a_hi]))
        else:
            _append(parts, "del", "".join(a[a_lo:a_hi]))
            _append(parts, "ins", "".join(b[b_lo:b_hi]))
    return parts
