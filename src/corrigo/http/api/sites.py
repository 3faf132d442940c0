"""``GET /api/v1/sites``: the sites the caller may see; and the public check of a site key.

``GET /api/v1/sites/{key}/check?origin=…`` needs no token: a CMS plugin asks it
whether a pasted key exists and whether the CMS's origin may send reports. It
answers nothing else (a site key is public anyway: it is on every page).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.domain.origins import normalize_origin, origin_allowed
from corrigo.http.api.access import api_context
from corrigo.http.db import in_session
from corrigo.http.errors import ApiError
from corrigo.http.state import state_of
from corrigo.store.sites import sites_of

MAX_ORIGIN = 255
# What the check accepts as an origin (the OpenAPI document says the same).
ORIGIN_PATTERN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$"
_ORIGIN = re.compile(ORIGIN_PATTERN)


async def list_sites(request: Request) -> JSONResponse:
    """The sites the caller may see (their keys are the inbox's `site` filter values)."""
    ctx = await api_context(request)

    def load(session: Session) -> list[dict[str, Any]]:
        return [
            {"key": site.public_key, "name": site.name, "lang": site.default_lang}
            for site in sites_of(session, ctx.site_ids)
        ]

    return JSONResponse({"items": await in_session(request, load)})


async def check_site(request: Request) -> JSONResponse:
    """Whether the site key exists (404 if not) and whether `origin` may send its reports."""
    site = await run_in_threadpool(state_of(request).site_cache.get, request.path_params["key"])
    if site is None:
        raise ApiError(404, "unknown_site", "This site is not known.", "site")
    given = request.query_params.get("origin", "")
    if len(given) > MAX_ORIGIN or not _ORIGIN.fullmatch(given):
        raise ApiError(
            422, "invalid_origin", "Give origin=https://host[:port], without a path.", "origin"
        )
    try:
        allowed = origin_allowed(normalize_origin(given), list(site.allowed_origins))
    except ValueError:  # shaped like an origin, yet no host (e.g. an out-of-range port)
        allowed = False
    return JSONResponse({"site": True, "origin_allowed": allowed})


routes = [
    Route("/api/v1/sites", list_sites, methods=["GET"]),
    Route("/api/v1/sites/{key}/check", check_site, methods=["GET"]),
]
