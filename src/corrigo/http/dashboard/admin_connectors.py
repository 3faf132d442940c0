"""Admin forms on a site's page: set its connector (after a test call) or remove it.

A secret typed here (an application password, a token) is sealed before it is
stored and never shown again; a fix webhook's generated signing secret is shown
once, on the page that answers the form.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.connectors.base import KINDS, ConnectorError
from corrigo.connectors.registry import connector_options, secret_box, try_connector
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.admin_sites import render_site_page
from corrigo.http.dashboard.auth import require_admin
from corrigo.http.dashboard.forms import text_field
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.store.connectors import ConnectorConfig, remove_connector, save_connector
from corrigo.store.sites import site_by_id


async def _site_key(request: Request) -> str:
    site_id: int = request.path_params["site_id"]
    site = await in_session(request, lambda session: site_by_id(session, site_id))
    if site is None:
        raise HTTPException(404)
    return site.public_key


async def set_connector(request: Request) -> Response:
    """Try the connector described by the form; save it only when the test call succeeds."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    key = await _site_key(request)
    kind = text_field(form, "kind", 20)
    secret = text_field(form, "secret", 1000).strip()
    settings = state_of(request).settings
    try:
        if kind not in KINDS:
            raise ConnectorError("config", "Choose a kind of connector.")
        options = connector_options(
            kind,
            url=text_field(form, "url", 2048).strip(),
            user=text_field(form, "user", 200).strip(),
            branch=text_field(form, "branch", 200).strip(),
            pattern=text_field(form, "path", 500).strip(),
            review_branches=text_field(form, "review_branches", 10) == "on",
        )
        generated = kind == "webhook" and not secret
        if generated:
            secret = secrets.token_urlsafe(32)
        config = ConnectorConfig(key, kind, options, secret)
        answer = await run_in_threadpool(try_connector, config, settings)
    except ConnectorError as error:
        return await render_site_page(request, connector_error=error.message)

    def save(session: Session) -> None:
        save_connector(session, secret_box(settings), key, kind, options, secret)
        session.commit()

    await in_session(request, save)
    return await render_site_page(
        request, connector_saved=answer, shown_secret=secret if generated else None
    )


async def delete_connector(request: Request) -> Response:
    """Remove the site's connector and its secret."""
    ctx = await require_admin(request)
    await verified_form(request, ctx)
    key = await _site_key(request)

    def remove(session: Session) -> None:
        remove_connector(session, key)
        session.commit()

    await in_session(request, remove)
    site_id: int = request.path_params["site_id"]
    return RedirectResponse(f"/dashboard/admin/sites/{site_id}?saved=1", status_code=303)


routes = [
    Route("/dashboard/admin/sites/{site_id:id}/connector", set_connector, methods=["POST"]),
    Route(
        "/dashboard/admin/sites/{site_id:id}/connector/remove", delete_connector, methods=["POST"]
    ),
]
