"""Generated hostile inputs: byte sequences that are not UTF-8, and control characters.

Shared by the tests that prove no input makes Corrigo answer 5xx.
"""

from __future__ import annotations

import random


def invalid_utf8(seed: int = 15, random_count: int = 24) -> list[bytes]:
    """Byte strings that no UTF-8 decoder may accept, each kind of fault at least once."""
    fixed = [
        b"\xff",  # never a UTF-8 byte
        b"\xfe\xfe",
        b"\x80",  # a continuation byte alone
        b"\xbf\x80",
        b"\xc3(",  # a lead byte with a non-continuation after it
        b"\xe2\x28\xa1",
        b"\xe2\x82",  # truncated three-byte sequence
        b"\xf0\x9f\x98",  # truncated four-byte sequence
        b"\xc0\xaf",  # overlong "/"
        b"\xc1\xbf",
        b"\xe0\x80\xaf",
        b"\xf0\x80\x80\xaf",
        b"\xed\xa0\x80",  # UTF-16 surrogates encoded
        b"\xed\xbf\xbf",
        b"\xed\xa0\xbd\xed\xb8\x80",  # a surrogate pair encoded as two sequences
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\xf8\x88\x80\x80\x80",  # five-byte form
        b"\xfc\x84\x80\x80\x80\x80",  # six-byte form
    ]
    rng = random.Random(seed)
    generated: list[bytes] = []
    while len(generated) < random_count:
        candidate = bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randint(1, 6)))
        try:
            candidate.decode("utf-8")
        except UnicodeDecodeError:
            generated.append(candidate)
    return fixed + generated


def control_characters() -> list[str]:
    """Every C0 and C1 control, DEL, and the format characters text cleaning decides about."""
    controls = [chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]]
    formats = [
        "\u00ad",  # soft hyphen
        "\u061c",  # Arabic letter mark
        "\u180e",  # Mongolian vowel separator
        *(chr(code) for code in range(0x200B, 0x2010)),  # ZWSP, ZWNJ, ZWJ, LRM, RLM
        "\u2028",
        "\u2029",
        *(chr(code) for code in range(0x202A, 0x202F)),  # bidi embeddings and overrides
        *(chr(code) for code in range(0x2060, 0x2070)),  # word joiner, invisible operators
        "\ufeff",
        *(chr(code) for code in range(0xFFF9, 0xFFFC)),
        "\ufdd0",
        "\ufffe",
        "\U0001fffe",
        "\U0010ffff",
        "\U000e0041",  # a tag character (emoji flag sequences)
        "\ufe0f",  # variation selector
    ]
    return controls + formats
