"""The dashboard's gate: pages call ``ctx = await require_editor(request)`` first.

It answers with a redirect to the sign-in page when nobody is signed in; who
is signed in is decided by :mod:`corrigo.http.auth`, which the API shares.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request

from corrigo.http.auth import EditorContext, current_editor
from corrigo.http.dashboard.templating import render

__all__ = ["EditorContext", "render", "require_admin", "require_editor"]

SIGN_IN_PATH = "/dashboard/sign-in"


def sign_in_location(request: Request) -> str:
    """The sign-in page, asking it to come back here afterwards (GET pages only)."""
    if request.method != "GET":
        return SIGN_IN_PATH
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{SIGN_IN_PATH}?next={quote(target, safe='')}"


async def require_editor(request: Request) -> EditorContext:
    """The signed-in editor; otherwise a 303 redirect to the sign-in page is raised."""
    ctx = await current_editor(request)
    if ctx is None:
        raise HTTPException(303, headers={"location": sign_in_location(request)})
    return ctx


async def require_admin(request: Request) -> EditorContext:
    """The signed-in admin; editors get 404 (admin pages do not exist for them)."""
    ctx = await require_editor(request)
    if not ctx.is_admin:
        raise HTTPException(404)
    return ctx
