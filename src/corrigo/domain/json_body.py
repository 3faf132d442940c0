"""Decoding a JSON request body: the one place JSON text enters Corrigo.

Every JSON endpoint decodes through :func:`decode_json`, so every one treats bad
bytes alike: invalid UTF-8 (including overlong forms, surrogates and truncated
sequences) and malformed JSON are :class:`MalformedJson`, a body of the wrong
shape is :class:`InvalidJson`, and U+0000 is removed from every string (the
README's rule for text that enters).
"""

from __future__ import annotations

import re
from typing import TypeVar

import msgspec

T = TypeVar("T")

# In JSON text U+0000 can only be written as the escape \u0000; an escape starts at
# a backslash preceded by an even number of backslashes (``\\u0000`` is the text
# "\u0000", not a NUL).
_NUL_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


class MalformedJson(ValueError):
    """The body is not JSON text in UTF-8."""


class InvalidJson(ValueError):
    """The body is JSON but not of the expected shape; the message says where."""


def without_nul_escapes(body: bytes) -> bytes:
    """`body` with every JSON ``\\u0000`` escape removed (so no decoded string holds NUL)."""
    if b"\\u0000" not in body:
        return body
    return _NUL_ESCAPE.sub(rb"\1", body)


def decode_json(body: bytes, kind: type[T], decoder: msgspec.json.Decoder[T] | None = None) -> T:
    """`body` decoded as `kind` (with `decoder` when given, for speed); see the module."""
    body = without_nul_escapes(body)
    try:
        if decoder is not None:
            return decoder.decode(body)
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as error:
        raise InvalidJson(str(error)) from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise MalformedJson("The body is not valid JSON.") from None
