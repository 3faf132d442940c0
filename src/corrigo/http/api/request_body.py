"""Reading the JSON body of an API request: bounded, and decoded by the one JSON rule."""

from __future__ import annotations

from typing import TypeVar

from starlette.requests import Request

from corrigo.domain.json_body import InvalidJson, MalformedJson, decode_json
from corrigo.http.errors import ApiError

T = TypeVar("T")


async def read_limited(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    too_large = ApiError(413, "too_large", f"The body may be at most {limit} bytes.")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, kind: type[T], max_bytes: int) -> T:
    """The body as `kind`: 413 beyond `max_bytes`, 400 malformed_json, 422 for a wrong shape."""
    raw = await read_limited(request, max_bytes)
    try:
        return decode_json(raw, kind)
    except InvalidJson as error:
        raise ApiError(422, "invalid", str(error)) from None
    except MalformedJson as error:
        raise ApiError(400, "malformed_json", str(error)) from None
