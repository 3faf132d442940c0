"""Admin pages for sites: list, add, rename, origins, language, page checks, embed snippet.

The site page also shows its connector; :mod:`.admin_connectors` sets and removes it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.domain.embed import embed_snippet
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import render, require_admin
from corrigo.http.dashboard.forms import text_field
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.spelling import dictionaries
from corrigo.store.admin import create_site
from corrigo.store.connectors import ConnectorSummary, connector_summary
from corrigo.store.errors import AdminError
from corrigo.store.models import Site
from corrigo.store.site_settings import (
    UnknownSite,
    interval_text,
    parse_origins,
    set_check_settings,
    update_site,
)
from corrigo.store.sites import site_by_id, sites_of

MAX_ORIGINS_TEXT = 8000


async def _list_page(
    request: Request, error: str | None = None, values: dict[str, str] | None = None
) -> Response:
    sites = await in_session(request, lambda session: sites_of(session, None))
    return render(
        request,
        "admin_sites.html",
        {
            "sites": sites,
            "error": error,
            "values": values or {},
            "dictionaries": dictionaries.available(),
        },
        status_code=400 if error else 200,
    )


async def sites_page(request: Request) -> Response:
    """Every site with its key and origins, and a form to add one."""
    await require_admin(request)
    return await _list_page(request)


async def add_site(request: Request) -> Response:
    """Create a site from the form; its page then shows the embed snippet."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    values = {
        "name": text_field(form, "name", 200),
        "origins": text_field(form, "origins", MAX_ORIGINS_TEXT),
        "lang": text_field(form, "lang", 35) or "en",
        "article": text_field(form, "article", 500),
        "interval": text_field(form, "interval", 20),
    }

    def create(session: Session) -> int:
        site = create_site(
            session, values["name"], parse_origins(values["origins"]), values["lang"]
        )
        set_check_settings(session, site.id, values["article"], values["interval"])
        session.commit()
        return site.id

    try:
        site_id = await in_session(request, create)
    except AdminError as error:
        return await _list_page(request, str(error), values)
    state_of(request).site_cache.clear()
    return RedirectResponse(f"/dashboard/admin/sites/{site_id}?saved=1", status_code=303)


async def render_site_page(request: Request, error: str | None = None, **extra: object) -> Response:
    """One site's page: settings, embed snippet and connector (`extra` adds to the context)."""
    site_id: int = request.path_params["site_id"]

    def load(session: Session) -> tuple[Site, ConnectorSummary | None] | None:
        site = site_by_id(session, site_id)
        return None if site is None else (site, connector_summary(session, site.public_key))

    loaded = await in_session(request, load)
    if loaded is None:
        raise HTTPException(404)
    site, connector = loaded
    failed = error is not None or extra.get("connector_error") is not None
    return render(
        request,
        "admin_site.html",
        {
            "site": site,
            "error": error,
            "saved": request.query_params.get("saved") == "1" and not failed,
            "embed": embed_snippet(
                state_of(request).settings.base_url, site.public_key, site.article_selector
            ),
            "interval": interval_text(site),
            "connector": connector,
            "connector_error": None,
            "connector_saved": None,
            "shown_secret": None,
            **extra,
        },
        status_code=400 if failed else 200,
    )


async def site_page(request: Request) -> Response:
    """One site's settings and its embed snippet."""
    await require_admin(request)
    return await render_site_page(request)


async def save_site(request: Request) -> Response:
    """Save a site's name, origins, language, article selector and check interval."""
    ctx = await require_admin(request)
    form = await verified_form(request, ctx)
    site_id: int = request.path_params["site_id"]
    name = text_field(form, "name", 200)
    origins = text_field(form, "origins", MAX_ORIGINS_TEXT)
    lang = text_field(form, "lang", 35)
    article = text_field(form, "article", 500)
    interval = text_field(form, "interval", 20)

    def save(session: Session) -> None:
        update_site(session, site_id, name, parse_origins(origins), lang)
        set_check_settings(session, site_id, article, interval)
        session.commit()

    try:
        await in_session(request, save)
    except UnknownSite:
        raise HTTPException(404) from None
    except AdminError as error:
        return await render_site_page(request, str(error))
    state_of(request).site_cache.clear()
    return RedirectResponse(f"/dashboard/admin/sites/{site_id}?saved=1", status_code=303)


routes = [
    Route("/dashboard/admin/sites", sites_page, methods=["GET"]),
    Route("/dashboard/admin/sites", add_site, methods=["POST"]),
    Route("/dashboard/admin/sites/{site_id:id}", site_page, methods=["GET"]),
    Route("/dashboard/admin/sites/{site_id:id}", save_site, methods=["POST"]),
]
