"""The group page: the quote in context, the spot, reports, corrections, page checks, history."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.connectors.apply import Outcome
from corrigo.domain.fragment import fragment_link
from corrigo.domain.worddiff import word_diff
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import EditorContext, render, require_editor
from corrigo.http.dashboard.notices import notice_for
from corrigo.http.db import in_session
from corrigo.http.verify import NoWorker, check_and_wait
from corrigo.store.checks import verification_of
from corrigo.store.connectors import has_connector
from corrigo.store.inbox import GroupDetail, group_detail


async def render_group(
    request: Request,
    ctx: EditorContext,
    group_id: int,
    *,
    correction: str | None = None,
    outcome: Outcome | None = None,
    status_code: int = 200,
) -> Response:
    """The group page, with the Apply form holding `correction` and the last `outcome`."""

    def load(session: Session) -> tuple[GroupDetail, str | None] | None:
        detail = group_detail(session, ctx.site_ids, group_id)
        return None if detail is None else (detail, has_connector(session, detail.group.site_id))

    loaded = await in_session(request, load)
    if loaded is None:
        raise HTTPException(404)
    detail, connector = loaded
    group = detail.group
    proposed = detail.proposal.proposal if detail.proposal else None
    if correction is None:
        # The proposal already weighs the readers' suggestions, the site's memory and
        # the dictionary; before it is computed, the readers' favourite.
        if proposed is not None:
            correction = proposed.text
        else:
            correction = detail.suggestions[0].text if detail.suggestions else group.exact
    values: dict[str, Any] = {
        "detail": detail,
        "group": group,
        "fragment": fragment_link(group.url, group.exact, group.prefix, group.suffix),
        "diffs": [(s, word_diff(group.exact, s.text)) for s in detail.suggestions],
        "proposal_diff": word_diff(group.exact, proposed.text) if proposed else [],
        "notice": notice_for(request),
        "verification": verification_of(group),
        "connector": connector,
        "correction": correction,
        "outcome": outcome,
    }
    return render(request, "group.html", values, status_code=status_code)


async def group_page(request: Request) -> Response:
    """One group, if the editor may see its site (404 otherwise, as if it did not exist)."""
    ctx = await require_editor(request)
    return await render_group(request, ctx, request.path_params["group_id"])


async def check_page_now(request: Request) -> Response:
    """ "Check the page now": wait for a worker's check, then show the group with its outcome."""
    ctx = await require_editor(request)
    await verified_form(request, ctx)
    group_id: int = request.path_params["group_id"]
    try:
        found = await check_and_wait(request, ctx.site_ids, group_id)
    except NoWorker:
        return RedirectResponse(f"/dashboard/groups/{group_id}?done=no_worker", status_code=303)
    if found is None:
        raise HTTPException(404)
    return RedirectResponse(f"/dashboard/groups/{group_id}?done=checked", status_code=303)


routes = [
    Route("/dashboard/groups/{group_id:id}", group_page, methods=["GET"]),
    Route("/dashboard/groups/{group_id:id}/verify", check_page_now, methods=["POST"]),
]
