"""The API's one error shape, and the handlers that give every ``/api/`` error that shape.

Every refusal under ``/api/`` answers :class:`~corrigo.domain.report.ErrorBody`
as JSON (``error``, ``message``, ``field``): the handlers' own refusals
(:class:`ApiError`), Starlette's 404 for an unknown path and 405 for a wrong
method, and an unexpected failure (500). Elsewhere (the dashboard, the demo)
errors keep Starlette's plain-text answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from corrigo.domain.report import ErrorBody

API_PREFIX = "/api/"
# Sentences for Starlette's own refusals, whose detail is only the status phrase.
MESSAGES = {
    404: "Nothing answers at this address.",
    405: "This address does not answer that method; the Allow header lists those it does.",
}


class ApiError(Exception):
    """A refusal with a status and an :class:`ErrorBody`."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(error=code, message=message, field=field)

    def response(self, headers: Mapping[str, str] | None = None) -> Response:
        """The JSON answer for this refusal."""
        return Response(
            msgspec.json.encode(self.body),
            status_code=self.status,
            headers=headers,
            media_type="application/json",
        )


NOT_FOUND = ApiError(404, "not_found", "No such group or site.")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


async def api_error(_request: Request, exc: Exception) -> Response:
    """An :class:`ApiError` raised by a handler, answered as JSON."""
    assert isinstance(exc, ApiError)
    return exc.response()


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's refusals (unknown path, wrong method…): JSON under ``/api/``, else text."""
    assert isinstance(exc, HTTPException)
    if not _is_api(request):
        if exc.status_code in {204, 304}:
            return Response(status_code=exc.status_code, headers=exc.headers)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    code = HTTPStatus(exc.status_code).name.lower()
    message = MESSAGES.get(exc.status_code, exc.detail)
    return ApiError(exc.status_code, code, message).response(exc.headers)


def internal_error() -> Response:
    """The API's answer to an unexpected failure."""
    return ApiError(500, "internal_error", "Something went wrong; try again later.").response()


async def server_error(request: Request, _exc: Exception) -> Response:
    """An unexpected failure: the error shape under ``/api/`` (the server still logs it)."""
    if not _is_api(request):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return internal_error()


EXCEPTION_HANDLERS = {ApiError: api_error, HTTPException: http_error, Exception: server_error}
