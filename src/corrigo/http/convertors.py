"""The one path parameter type for row ids, registered once for every route.

Starlette's ``int`` accepts any number of digits (and ``int()`` would take
non-ASCII digits too); a number past 2**63 overflows the databases' drivers, a
500. ``{name:id}`` matches one to eighteen ASCII digits, always below 2**63, so
anything longer is simply a 404 like any unknown id. ``corrigo.http`` imports
this module first, so every route module sees the convertor registered.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[int]):
    """A row id: one to eighteen ASCII digits (below 10**18, so within 64 bits)."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
