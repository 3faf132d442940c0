"""Admin pages for editors: add accounts, set role, sites and access, reset passwords.

A new or reset password is generated here and shown once, in the answer to the
POST itself (never in an address, where it would reach logs and history).
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.domain.numbers import parse_ids
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import render, require_admin
from corrigo.http.dashboard.forms import text_field, text_list
from corrigo.http.dashboard.i18n import LANGUAGES
from corrigo.http.db import in_session
from corrigo.passwords import generate_password
from corrigo.store.accounts import (
    assigned_site_ids,
    editor_by_id,
    list_editors,
    reset_password,
    update_editor,
)
from corrigo.store.admin import create_editor
from corrigo.store.errors import AdminError
from corrigo.store.models import Editor, Site
from corrigo.store.sites import sites_of


async def _list_page(
    request: Request,
    error: str | None = None,
    values: dict[str, object] | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    def load(session: Session) -> tuple[list[tuple[Editor, list[str]]], list[Site]]:
        return list_editors(session), sites_of(session, None)

    editors, sites = await in_session(request, load)
    return render(
        request,
        "admin_editors.html",
        {
            "editors": editors,
            "sites": sites,
            "error": error,
            "values": values or {},
            "created": created,
            "languages": LANGUAGES,
        },
        status_code=400 if error else 200,
    )


async def editors_page(request: Request) -> Response:
    """Every editor with role, sites and status, and a form to add one."""
    await require_admin(request)
    return await _list_page(request)


async def add_editor(request: Request) -> Response:
    """Create an account with a generated password, shown once on the answer."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    email = text_field(form, "email", 320).strip().lower()
    role = text_field(form, "role", 10)
    lang = text_field(form, "lang", 35) or "en"
    site_keys = text_list(form, "sites", 64)
    values: dict[str, object] = {"email": email, "role": role, "lang": lang, "sites": site_keys}
    if role == "editor" and not site_keys:
        return await _list_page(request, "an editor needs at least one site", values)
    password = generate_password()

    def create(session: Session) -> None:
        create_editor(session, email, password, role=role, site_keys=site_keys, lang=lang)
        session.commit()

    try:
        await in_session(request, create)
    except AdminError as error:
        return await _list_page(request, str(error), values)
    return await _list_page(request, created=(email, password))


async def _editor_page(
    request: Request, error: str | None = None, new_password: str | None = None
) -> Response:
    editor_id: int = request.path_params["editor_id"]

    def load(session: Session) -> tuple[Editor | None, list[Site], set[int]]:
        assigned = assigned_site_ids(session, editor_id)
        return editor_by_id(session, editor_id), sites_of(session, None), assigned

    editor, sites, assigned = await in_session(request, load)
    if editor is None:
        raise HTTPException(404)
    return render(
        request,
        "admin_editor.html",
        {
            "editor": editor,
            "sites": sites,
            "assigned": assigned,
            "error": error,
            "new_password": new_password,
            "saved": request.query_params.get("saved") == "1" and error is None,
        },
        status_code=400 if error else 200,
    )


async def editor_page(request: Request) -> Response:
    """One editor's role, sites and access."""
    await require_admin(request)
    return await _editor_page(request)


async def save_editor(request: Request) -> Response:
    """Change an editor's role, sites and whether they may sign in."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    editor_id: int = request.path_params["editor_id"]
    role = text_field(form, "role", 10)
    active = text_field(form, "active", 5) == "1"
    site_ids = parse_ids(text_list(form, "sites", 20))
    if site_ids is None:
        raise HTTPException(400, "The site selection is not valid.")

    def save(session: Session) -> None:
        if editor_by_id(session, editor_id) is None:
            raise HTTPException(404)
        update_editor(session, editor_id, role, site_ids, active, ctx.editor.id)
        session.commit()

    try:
        await in_session(request, save)
    except AdminError as error:
        return await _editor_page(request, str(error))
    return RedirectResponse(f"/dashboard/admin/editors/{editor_id}?saved=1", status_code=303)


async def reset_editor_password(request: Request) -> Response:
    """Give the editor a new generated password (shown once) and end their sessions."""
    ctx = await require_admin(request)
    await verified_form(request, ctx)
    editor_id: int = request.path_params["editor_id"]

    def reset(session: Session) -> str | None:
        editor = editor_by_id(session, editor_id)
        if editor is None:
            return None
        password = reset_password(session, editor.email)
        session.commit()
        return password

    password = await in_session(request, reset)
    if password is None:
        raise HTTPException(404)
    return await _editor_page(request, new_password=password)


routes = [
    Route("/dashboard/admin/editors", editors_page, methods=["GET"]),
    Route("/dashboard/admin/editors", add_editor, methods=["POST"]),
    Route("/dashboard/admin/editors/{editor_id:id}", editor_page, methods=["GET"]),
    Route("/dashboard/admin/editors/{editor_id:id}", save_editor, methods=["POST"]),
    Route(
        "/dashboard/admin/editors/{editor_id:id}/password", reset_editor_password, methods=["POST"]
    ),
]
