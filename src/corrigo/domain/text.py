"""Cleaning text that readers send: Unicode NFC, no control characters, folded whitespace."""

from __future__ import annotations

import re
import unicodedata

# Control and format characters a reader has no reason to send (C0, C1, bidi
# overrides, zero-width joiners used to smuggle text); tab/newline become spaces.
INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_WHITESPACE = re.compile(r"\s+")


def clean(value: str) -> str:
    """NFC-normalise, drop invisible control characters, fold whitespace runs to one space.

    Leading and trailing whitespace is kept (folded), because a quote's prefix
    may legitimately end with a space; callers strip where the field allows.
    """
    # Most text is already clean. A printable string holds no control or format
    # character, and its only whitespace is U+0020, so folding is needed only
    # where two spaces meet. The ingest calls this for every field of every report.
    if value.isprintable() and "  " not in value:
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    # Normalise last: dropping an invisible character can bring a letter and a
    # combining mark together, which NFC then composes.
    value = _WHITESPACE.sub(" ", INVISIBLE.sub("", value))
    return unicodedata.normalize("NFC", value)


def clean_stripped(value: str) -> str:
    """:func:`clean`, then strip surrounding whitespace."""
    return clean(value).strip()


def clean_multiline(value: str) -> str:
    """Like :func:`clean_stripped` but keeps line breaks (for comments)."""
    if value.isprintable():  # one line, no control characters
        return clean_stripped(value)
    value = INVISIBLE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_WHITESPACE.sub(" ", line).strip() for line in value.split("\n")]
    return unicodedata.normalize("NFC", re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())
