"""Decisions from the pages: one group (its page) or a selection of rows (the inbox)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.domain.numbers import parse_ids
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.account import safe_next
from corrigo.http.dashboard.auth import EditorContext, require_editor
from corrigo.http.dashboard.forms import text_field, text_list
from corrigo.http.db import in_session
from corrigo.store.errors import NotVisible
from corrigo.store.triage import MAX_BULK, MAX_NOTE, Decision, TriageError, action_named, decide


def with_notice(target: str, action: str, count: int) -> str:
    """`target` with the confirmation parameters set (replacing earlier ones)."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("done", "n")]
    query += [("done", action), ("n", str(count))]
    return f"{parts.path}?{urlencode(query)}"


def _decision(form: FormData) -> Decision:
    try:
        action = action_named(text_field(form, "action", 20))
        return Decision(action, text_field(form, "note", MAX_NOTE))
    except TriageError as error:
        raise HTTPException(400, str(error)) from None


async def _apply(request: Request, ctx: EditorContext, ids: list[int], decision: Decision) -> None:
    def run(session: Session) -> None:
        decide(session, ctx.site_ids, ids, decision, ctx.editor.id)
        session.commit()

    try:
        await in_session(request, run)
    except NotVisible:
        raise HTTPException(404) from None
    except TriageError as error:
        raise HTTPException(400, str(error)) from None


async def act_on_group(request: Request) -> Response:
    """Apply the pressed button's decision to the group, then show its page again."""
    ctx = await require_editor(request)
    form = await verified_form(request, ctx)
    decision = _decision(form)
    group_id: int = request.path_params["group_id"]
    await _apply(request, ctx, [group_id], decision)
    target = with_notice(f"/dashboard/groups/{group_id}", decision.action, 1)
    return RedirectResponse(target, status_code=303)


async def act_on_selection(request: Request) -> Response:
    """Apply one decision to every selected inbox row, then return to the same inbox page."""
    ctx = await require_editor(request)
    form = await verified_form(request, ctx)
    decision = _decision(form)
    raw_ids = text_list(form, "group", 20)
    back = safe_next(text_field(form, "return_to", 4000))
    if not raw_ids:
        return RedirectResponse(back, status_code=303)
    ids = parse_ids(raw_ids) if len(raw_ids) <= MAX_BULK else None
    if ids is None:
        raise HTTPException(400, "The selection is not valid.")
    await _apply(request, ctx, ids, decision)
    return RedirectResponse(with_notice(back, decision.action, len(set(ids))), status_code=303)


routes = [
    Route("/dashboard/groups/{group_id:id}/actions", act_on_group, methods=["POST"]),
    Route("/dashboard/actions", act_on_selection, methods=["POST"]),
]
