"""``GET /api/v1/sites``: the sites the caller may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.http.api.access import api_context
from corrigo.http.db import in_session
from corrigo.store.sites import sites_of


async def list_sites(request: Request) -> JSONResponse:
    """The sites the caller may see (their keys are the inbox's `site` filter values)."""
    ctx = await api_context(request)

    def load(session: Session) -> list[dict[str, Any]]:
        return [
            {"key": site.public_key, "name": site.name, "lang": site.default_lang}
            for site in sites_of(session, ctx.site_ids)
        ]

    return JSONResponse({"items": await in_session(request, load)})


routes = [Route("/api/v1/sites", list_sites, methods=["GET"])]
