"""Path parameter types for row ids that always fit their column.

Starlette's ``int`` accepts any number of digits; PostgreSQL refuses to compare
an INTEGER column with 2**40 (an error, so a 500). These convertors match only
numbers that fit, so anything longer is simply a 404 like any unknown id.
Import this module before defining routes that use ``{name:id}`` or ``{name:bigid}``.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[int]):
    """An id of an INTEGER column: at most nine digits (below 2**31)."""

    regex = "[0-9]{1,9}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


class BigIdConvertor(IdConvertor):
    """An id of a BIGINT column: at most eighteen digits (below 2**63)."""

    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())
register_url_convertor("bigid", BigIdConvertor())
