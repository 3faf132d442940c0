"""The group page: the quote in context, the link to the spot, reports, corrections, history."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.domain.fragment import fragment_link
from corrigo.domain.worddiff import word_diff
from corrigo.http.dashboard.auth import render, require_editor
from corrigo.http.dashboard.notices import notice_for
from corrigo.http.db import in_session
from corrigo.store.inbox import group_detail
from corrigo.store.triage import ACTIONS


async def group_page(request: Request) -> Response:
    """One group, if the editor may see its site (404 otherwise, as if it did not exist)."""
    ctx = await require_editor(request)
    group_id: int = request.path_params["group_id"]
    detail = await in_session(
        request, lambda session: group_detail(session, ctx.site_ids, group_id)
    )
    if detail is None:
        raise HTTPException(404)
    group = detail.group
    return render(
        request,
        "group.html",
        {
            "detail": detail,
            "group": group,
            "fragment": fragment_link(group.url, group.exact, group.prefix, group.suffix),
            "diffs": [(s, word_diff(group.exact, s.text)) for s in detail.suggestions],
            "actions": ACTIONS,
            "notice": notice_for(request),
        },
    )


routes = [Route("/dashboard/groups/{group_id:id}", group_page, methods=["GET"])]
