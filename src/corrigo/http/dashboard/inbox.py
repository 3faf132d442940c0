"""The inbox page: filters, the list of error groups, bulk selection, the next page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.domain.lifecycle import Status
from corrigo.http.dashboard.auth import render, require_editor
from corrigo.http.dashboard.i18n import LANGUAGES
from corrigo.http.dashboard.notices import notice_for
from corrigo.http.db import in_session
from corrigo.http.inbox_params import parse_inbox_query
from corrigo.store.errors import NotVisible
from corrigo.store.inbox import STATUS_ORDER, InboxError, InboxPage, inbox_page
from corrigo.store.sites import sites_of

# Query parameters kept in links to further pages: the filter and the page length.
FILTER_PARAMS = ("site", "status", "lang", "url", "since", "until", "q", "still_on_page", "limit")
# What an editor opens the inbox for: misprints still waiting for a decision. Decided
# ones are one choice of the status filter away ("all" lists every status, open first).
DEFAULT_STATUS = Status.OPEN


def page_link(params: dict[str, str], after: str | None = None) -> str:
    """The inbox address with these filters (empty ones dropped), from `after` on."""
    kept = {name: params[name] for name in FILTER_PARAMS if params.get(name)}
    if after:
        kept["after"] = after
    return "/dashboard/" + (f"?{urlencode(kept)}" if kept else "")


def active_filters(params: dict[str, str]) -> int:
    """How many filters narrow the list beyond the default view (shown on the Filters button)."""
    defaults = {("status", DEFAULT_STATUS), ("status", "all")}
    return sum(
        1
        for name in FILTER_PARAMS
        if name != "limit" and params.get(name) and (name, params[name]) not in defaults
    )


async def inbox(request: Request) -> Response:
    """The inbox of the signed-in editor."""
    ctx = await require_editor(request)
    params = {name: value for name, value in request.query_params.items()}
    # Misprints still on the page are fixed ones: that filter alone must not show open ones.
    still = params.get("still_on_page", "") in ("1", "true")
    params.setdefault("status", Status.FIXED if still else DEFAULT_STATUS)

    def load(session: Session) -> tuple[list[Any], InboxPage | None, str | None]:
        sites = sites_of(session, ctx.site_ids)
        try:
            query = parse_inbox_query(params, session, ctx.site_ids)
        except InboxError as error:
            return sites, None, error.field
        return (
            sites,
            inbox_page(session, ctx.site_ids, query.wanted, query.after, query.limit),
            None,
        )

    try:
        sites, page, bad_field = await in_session(request, load)
    except NotVisible:
        raise HTTPException(404) from None
    languages = sorted({site.default_lang for site in sites} | set(LANGUAGES))
    here = page_link(params, params.get("after"))
    return render(
        request,
        "inbox.html",
        {
            "params": params,
            "sites": sites,
            "statuses": STATUS_ORDER,
            "languages": languages,
            "page": page,
            "bad_field": bad_field,
            "next_link": page_link(params, page.next_cursor) if page and page.next_cursor else None,
            "first_link": page_link(params) if params.get("after") else None,
            "here": here,
            "active_filters": active_filters(params),
            "notice": notice_for(request),
        },
        status_code=400 if bad_field else 200,
    )


routes = [Route("/dashboard/", inbox, methods=["GET"])]
