"""Who calls the editors' API: an API token's owner, or a signed-in dashboard session."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from corrigo.http.auth import EditorContext, current_editor, token_context
from corrigo.http.errors import ApiError


async def api_context(request: Request) -> EditorContext:
    """Who calls: an API token when one is sent, else the session cookie; 401 otherwise."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "Send an API token as 'Authorization: Bearer …'.")
        ctx = await run_in_threadpool(token_context, request, token.strip())
        if ctx is None:
            raise ApiError(401, "unauthorized", "The API token is not valid.")
        if ctx.read_only and request.method not in ("GET", "HEAD"):
            raise ApiError(403, "read_only_token", "This API token may only read.")
        return ctx
    ctx = await current_editor(request)
    if ctx is None:
        raise ApiError(401, "unauthorized", "Sign in or send an API token.")
    return ctx
