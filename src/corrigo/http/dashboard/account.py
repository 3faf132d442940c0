"""Signing in and out, and the editor's own account: password and language."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from zoneinfo import available_timezones

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.domain.sign_in import sign_in_delay
from corrigo.http.auth import current_editor, session_cookie_name
from corrigo.http.client_address import client_address
from corrigo.http.csrf import (
    SIGN_IN_COOKIE,
    check_sign_in_form,
    set_sign_in_cookie,
    sign_in_token,
    verified_form,
)
from corrigo.http.dashboard.auth import render, require_editor
from corrigo.http.dashboard.forms import text_field
from corrigo.http.dashboard.i18n import LANGUAGES
from corrigo.http.dashboard.templating import gettext_for
from corrigo.http.ratelimit import Refusal
from corrigo.http.state import AppState, state_of
from corrigo.passwords import MIN_LENGTH
from corrigo.store.accounts import (
    WeakPassword,
    WrongPassword,
    change_password,
    check_credentials,
    set_language,
    set_timezone,
)
from corrigo.store.editor_sessions import end_session, purge_expired, start_session
from corrigo.store.errors import AdminError
from corrigo.store.sites import sites_of

HOME = "/dashboard/"
# The zones offered on the account page (any the system knows is accepted).
ZONES = sorted(available_timezones())
# Longer passwords only cost hashing time; nobody types more.
MAX_PASSWORD = 1024


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a dashboard path, never another site."""
    if (
        not target
        or not target.startswith("/dashboard")
        or "//" in target
        or "\\" in target
        or any(ord(ch) < 0x20 for ch in target)
    ):
        return HOME
    return target


def _sign_in_form(
    request: Request, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = sign_in_token(request)
    response = render(
        request,
        "sign_in.html",
        {
            "sign_in_token": token,
            "next": safe_next(request.query_params.get("next")),
            "email": email,
            "error": error,
        },
        status_code=status,
    )
    set_sign_in_cookie(request, response, token)
    return response


async def sign_in_page(request: Request) -> Response:
    """The sign-in form (or straight on, when already signed in)."""
    if await current_editor(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _sign_in_form(request)


async def _sign_in_refusal(state: AppState, email: str, address: str) -> Refusal | None:
    """Why this attempt may not even be checked, after waiting as the account's failures say.

    Every attempt counts against its address. Failures count against the account and
    address together (a strict limit) and against the account (a looser one). Once the
    account's limit is reached only addresses without failures for it may still try,
    so whoever knows an editor's e-mail cannot lock them out; answers for an account
    with many failures come slower and slower (README, "Sign-in").
    """
    settings = state.settings
    limiter = state.limiter
    pair = f"{email} {address}"
    refusal = await limiter.hit("sign-in-address", address, settings.sign_in_address_limits)
    refusal = refusal or await limiter.check("sign-in-pair", pair, settings.sign_in_pair_limits)
    if refusal is not None:
        return refusal
    account_limits = settings.sign_in_account_limits
    refusal = await limiter.check("sign-in-account", email, account_limits)
    if refusal is not None and await limiter.used(
        "sign-in-pair", pair, settings.sign_in_pair_limits
    ):
        return refusal
    await asyncio.sleep(sign_in_delay(await limiter.used("sign-in-account", email, account_limits)))
    return None


async def _count_failure(state: AppState, email: str, address: str) -> None:
    settings = state.settings
    await state.limiter.count("sign-in-pair", f"{email} {address}", settings.sign_in_pair_limits)
    await state.limiter.count("sign-in-account", email, settings.sign_in_account_limits)


async def sign_in(request: Request) -> Response:
    """Check the credentials (rate-limited, see :func:`_sign_in_refusal`); start a session."""
    state = state_of(request)
    settings = state.settings
    _ = gettext_for(request)
    form = await request.form()
    check_sign_in_form(request, form)
    email = text_field(form, "email", 320).strip().lower()
    password = text_field(form, "password", MAX_PASSWORD)
    address = client_address(request, settings.trusted_proxies)
    refusal = await _sign_in_refusal(state, email, address)
    if refusal is not None:
        minutes = max(1, round(refusal.retry_after / 60))
        message = _("Too many sign-in attempts. Try again in {minutes} min.").format(
            minutes=minutes
        )
        response = _sign_in_form(request, email, message, status=429)
        response.headers["retry-after"] = str(refusal.retry_after)
        return response

    def attempt() -> str | None:
        with state.sessions() as session:
            editor = check_credentials(session, email, password)
            if editor is None:
                return None
            purge_expired(session)
            token = start_session(session, editor.id)
            session.commit()
            return token

    token = await run_in_threadpool(attempt)
    if token is None:
        await _count_failure(state, email, address)
        state.metrics.count("dashboard_sign_in_failed")
        return _sign_in_form(request, email, _("Wrong e-mail or password."), status=401)
    response = RedirectResponse(safe_next(text_field(form, "next", 4000)), status_code=303)
    response.set_cookie(
        session_cookie_name(settings),
        token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.is_https,
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/dashboard/")
    return response


async def sign_out(request: Request) -> Response:
    """End the session (POST with the CSRF token) and go back to the sign-in page."""
    ctx = await require_editor(request)
    await verified_form(request, ctx)
    state = state_of(request)
    name = session_cookie_name(state.settings)
    token = request.cookies[name]

    def forget() -> None:
        with state.sessions() as session:
            end_session(session, token)
            session.commit()

    await run_in_threadpool(forget)
    response = RedirectResponse("/dashboard/sign-in", status_code=303)
    response.delete_cookie(name, path="/", secure=state.settings.is_https, httponly=True)
    return response


async def _account_page(
    request: Request, message: str | None = None, error: str | None = None, status: int = 200
) -> Response:
    ctx = await require_editor(request)
    state = state_of(request)

    def sites() -> list[str]:
        with state.sessions() as session:
            return [site.name for site in sites_of(session, ctx.site_ids)]

    return render(
        request,
        "account.html",
        {
            "site_names": await run_in_threadpool(sites),
            "message": message,
            "error": error,
            "zones": ZONES,
        },
        status_code=status,
    )


async def account(request: Request) -> Response:
    """The editor's own account page."""
    _ = gettext_for(request)
    saved = {
        "password": _("Your password is changed."),
        "language": _("Language saved."),
        "timezone": _("Time zone saved."),
    }
    return await _account_page(request, message=saved.get(request.query_params.get("saved", "")))


async def password(request: Request) -> Response:
    """Change one's own password (the current one is required); other sessions end."""
    ctx = await require_editor(request)
    form = await verified_form(request, ctx)
    _ = gettext_for(request)
    current = text_field(form, "current", MAX_PASSWORD)
    new = text_field(form, "new", MAX_PASSWORD)
    if new != text_field(form, "repeat", MAX_PASSWORD):
        return await _account_page(request, error=_("The new passwords differ."), status=400)
    state = state_of(request)
    token = request.cookies.get(session_cookie_name(state.settings))
    editor_id = ctx.editor.id

    def apply() -> str | None:
        assert editor_id is not None  # a signed-in session always has an editor
        with state.sessions() as session:
            try:
                change_password(session, editor_id, current, new, token)
            except WrongPassword:
                return _("The current password is wrong.")
            except WeakPassword:
                return _("A password needs at least {count} characters.").format(count=MIN_LENGTH)
            session.commit()
            return None

    problem = await run_in_threadpool(apply)
    if problem is not None:
        return await _account_page(request, error=problem, status=400)
    return RedirectResponse("/dashboard/account?saved=password", status_code=303)


async def _save_own(request: Request, change: Callable[[Session, int], object]) -> bool:
    """Apply `change` to the signed-in editor's row; False when it raises AdminError."""
    editor_id = (await require_editor(request)).editor.id
    state = state_of(request)

    def apply() -> bool:
        assert editor_id is not None  # a signed-in session always has an editor
        with state.sessions() as session:
            try:
                change(session, editor_id)
            except AdminError:
                return False
            session.commit()
            return True

    return await run_in_threadpool(apply)


async def language(request: Request) -> Response:
    """Choose the dashboard's language for oneself."""
    form = await verified_form(request, await require_editor(request))
    lang = text_field(form, "lang", 35)
    if not await _save_own(request, lambda s, editor: set_language(s, editor, lang, LANGUAGES)):
        _ = gettext_for(request)
        return await _account_page(
            request, error=_("Choose one of the offered languages."), status=400
        )
    return RedirectResponse("/dashboard/account?saved=language", status_code=303)


async def timezone(request: Request) -> Response:
    """Choose one's time zone.

    With `guess=1` (the browser's zone, sent by the dashboard's script) it is taken
    only while none is chosen, and answered 204 (400 for an unknown zone).
    """
    form = await verified_form(request, await require_editor(request))
    zone = text_field(form, "timezone", 64).strip()
    guess = text_field(form, "guess", 1) == "1"
    accepted = await _save_own(
        request, lambda s, editor: set_timezone(s, editor, zone, only_if_unset=guess)
    )
    if guess:
        return Response(status_code=204 if accepted else 400)
    if not accepted:
        _ = gettext_for(request)
        return await _account_page(
            request, error=_("Choose a time zone such as Europe/Kyiv."), status=400
        )
    return RedirectResponse("/dashboard/account?saved=timezone", status_code=303)


routes = [
    Route("/dashboard/sign-in", sign_in_page, methods=["GET"]),
    Route("/dashboard/sign-in", sign_in, methods=["POST"]),
    Route("/dashboard/sign-out", sign_out, methods=["POST"]),
    Route("/dashboard/account", account, methods=["GET"]),
    Route("/dashboard/account/password", password, methods=["POST"]),
    Route("/dashboard/account/language", language, methods=["POST"]),
    Route("/dashboard/account/timezone", timezone, methods=["POST"]),
]
