"""CSRF checks for every state-changing request made with a session cookie.

Signed-in requests carry the session's token in a form field (`csrf_token`) or,
from scripts, in the `X-CSRF-Token` header. The sign-in form, made before any
session exists, uses a double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from corrigo.http.auth import EditorContext
from corrigo.http.errors import ApiError
from corrigo.http.state import state_of

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SIGN_IN_COOKIE = "corrigo_signin"


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison that refuses missing tokens."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def require_header_token(request: Request, ctx: EditorContext) -> None:
    """Refuse (403, JSON) a session-authenticated script request without the session's token.

    Token-authenticated API requests have no cookie for a forger to ride on and pass.
    """
    if ctx.csrf_token is not None and not tokens_match(ctx.csrf_token, request.headers.get(HEADER)):
        raise ApiError(403, "csrf_failed", "CSRF token missing or wrong.")


async def verified_form(request: Request, ctx: EditorContext) -> FormData:
    """The posted form, after checking its CSRF token against the session's (403 otherwise)."""
    form = await request.form()
    given = form.get(FIELD)
    if not tokens_match(ctx.csrf_token, given if isinstance(given, str) else None):
        raise HTTPException(403, "CSRF token missing or wrong.")
    return form


def sign_in_token(request: Request) -> str:
    """The sign-in form's token: the one in the browser's cookie, or a new one."""
    return request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(32)


def set_sign_in_cookie(request: Request, response: Response, token: str) -> None:
    """Remember the sign-in form's token in a short-lived cookie."""
    response.set_cookie(
        SIGN_IN_COOKIE,
        token,
        max_age=3600,
        path="/dashboard/",
        httponly=True,
        samesite="strict",
        secure=state_of(request).settings.is_https,
    )


def check_sign_in_form(request: Request, form: FormData) -> None:
    """Refuse (403) a sign-in post whose token does not match its cookie (login CSRF)."""
    given = form.get(FIELD)
    if not tokens_match(
        request.cookies.get(SIGN_IN_COOKIE), given if isinstance(given, str) else None
    ):
        raise HTTPException(403, "CSRF token missing or wrong.")
