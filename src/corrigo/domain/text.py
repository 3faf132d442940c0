"""Cleaning text that enters Corrigo.

Two rules, documented in the README ("Text that enters"):

* **U+0000 is removed from every text that enters** (JSON bodies, query strings,
  form fields): no text of ours can hold it, and PostgreSQL refuses it.
* **Reader text is cleaned** (:func:`clean`): Unicode NFC, whitespace runs folded to
  one space, and only the characters that cannot be part of a text removed.
  Characters that shape words or emoji (U+200C ZWNJ, U+200D ZWJ, U+200B, U+2060,
  variation selectors, tag characters) and the bidi marks U+200E, U+200F, U+061C
  stay, so a quote still matches the page it was taken from.
"""

from __future__ import annotations

import re
import unicodedata

NUL = "\x00"


# The Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of each plane.
_BMP_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARACTERS = re.compile(
    "["
    + "".join(
        f"{chr(base + 0xFFFE)}-{chr(base + 0xFFFF)}" for base in range(0x10000, 0x110000, 0x10000)
    )
    + "]"
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# What cannot be part of a text: C0 and C1 controls (tab and line breaks are
# whitespace and fold instead), the bidi embedding, override and isolate controls
# (instructions to a renderer that, left unbalanced, reorder whatever the dashboard
# shows after them), the byte-order mark, the interlinear annotation controls
# (not for interchange) and the noncharacters. The widget removes the same set
# (src/corrigo/widget/dialog.js, NOT_TEXT): keep them in step. The astral
# noncharacters have a pattern of their own, used only on text with astral
# characters: sixteen more ranges made every character's test twelve times slower
# (1 ms for an article's 30 KB of text, read at every page check).
_NOT_TEXT = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    "\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb" + _BMP_NONCHARACTERS + "]"
)
_WHITESPACE = re.compile(r"\s+")


def without_nul(value: str) -> str:
    """`value` without U+0000, the one character no text that enters may keep."""
    return value.replace(NUL, "") if NUL in value else value


def remove_non_text(value: str) -> str:
    """`value` without the characters that cannot be part of a text (see the module)."""
    value = _NOT_TEXT.sub("", value)
    return _ASTRAL_NONCHARACTERS.sub("", value) if _ASTRAL.search(value) else value


def is_blank(value: str) -> bool:
    """Whether `value` shows nothing: only whitespace and format characters (such as ZWJ)."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in value)


def clean(value: str) -> str:
    """NFC-normalise, drop what cannot be text, fold whitespace runs to one space.

    Leading and trailing whitespace is kept (folded), because a quote's prefix
    may legitimately end with a space; callers strip where the field allows.
    """
    # Most text is already clean. A printable string holds no control or format
    # character, and its only whitespace is U+0020, so folding is needed only
    # where two spaces meet. The ingest calls this for every field of every report.
    if value.isprintable() and "  " not in value:
        return value if value.isascii() else unicodedata.normalize("NFC", value)
    # Normalise last: dropping a character can bring a letter and a combining
    # mark together, which NFC then composes.
    value = _WHITESPACE.sub(" ", remove_non_text(value))
    return unicodedata.normalize("NFC", value)


def clean_stripped(value: str) -> str:
    """:func:`clean`, then strip surrounding whitespace."""
    return clean(value).strip()


def clean_multiline(value: str) -> str:
    """Like :func:`clean_stripped` but keeps line breaks (for comments)."""
    if value.isprintable():  # one line, no control characters
        return clean_stripped(value)
    value = remove_non_text(value.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_WHITESPACE.sub(" ", line).strip() for line in value.split("\n")]
    return unicodedata.normalize("NFC", re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip())
