"""Reading the JSON body of an API request: bounded, and decoded by the one JSON rule."""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request

from corrigo.domain.json_body import InvalidJson, MalformedJson, decode_json
from corrigo.http.errors import ApiError

T = TypeVar("T")


async def read_json(request: Request, kind: type[T], max_bytes: int) -> T:
    """The body as `kind`: 413 beyond `max_bytes`, 400 malformed_json, 422 for a wrong shape."""
    raw = await request.body()
    if len(raw) > max_bytes:
        raise ApiError(413, "too_large", f"The body may be at most {max_bytes} bytes.")
    try:
        return decode_json(raw, kind)
    except InvalidJson as error:
        raise ApiError(422, "invalid", str(error)) from None
    except MalformedJson as error:
        raise ApiError(400, "malformed_json", str(error)) from None
