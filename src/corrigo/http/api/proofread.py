"""``POST /api/v1/proofread``: check a draft before it goes live, with a site's memory.

Body ``{"site": KEY, "lang": "en", "html" | "text": …}``, at most 1 MiB; the
answer lists each suspect word (``word``, ``start``, ``end``, ``sentence``,
``suggestions``, ``reason``). Positions count characters of the checked text:
the text as sent, or for HTML the article's text as the widget reads it.
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.http.api.access import api_context
from corrigo.http.api.request_body import read_json
from corrigo.http.csrf import require_header_token
from corrigo.http.db import in_session
from corrigo.http.errors import ApiError
from corrigo.http.state import state_of
from corrigo.spelling.drafts import DraftSite, draft_text, proofread_draft
from corrigo.store.sites import sites_of

MAX_BODY = 1024 * 1024
NO_SITE = ApiError(404, "not_found", "No such site.", "site")


class ProofreadBody(msgspec.Struct, forbid_unknown_fields=True):
    """The draft: its site, its language (default: the site's), and HTML or plain text."""

    site: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    lang: Annotated[str, msgspec.Meta(max_length=35)] = ""
    html: str | None = None
    text: str | None = None


async def proofread_api(request: Request) -> JSONResponse:
    """Proofread a draft for a site the caller may see."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    body = await read_json(request, ProofreadBody, MAX_BODY)
    if (body.html is None) == (body.text is None):
        raise ApiError(422, "invalid", "Send either `html` or `text`.", "text")

    def find(session: Session) -> DraftSite | None:
        for site in sites_of(session, ctx.site_ids):
            if site.public_key == body.site:
                return DraftSite(site.id, site.default_lang, site.article_selector)
        return None

    site = await in_session(request, find)
    if site is None:
        raise NO_SITE
    content = body.html if body.html is not None else body.text or ""
    text = draft_text(content, html=body.html is not None, selector=site.article_selector)
    result = await proofread_draft(state_of(request).sessions, site, body.lang, text)
    return JSONResponse({"lang": body.lang or site.default_lang, **result.as_json()})


routes = [Route("/api/v1/proofread", proofread_api, methods=["POST"])]
