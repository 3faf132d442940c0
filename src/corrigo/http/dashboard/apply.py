"""The group page's Apply correction form: preview the change, then apply it.

The preview answers the page with the change as a word diff in its sentence and
the source's version in the form; Apply sends that version back, so a source
changed in between is refused instead of overwritten. A correction edited after
its preview is previewed again rather than applied unseen.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.http.apply import ApplyAsk, apply_to_group
from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import require_editor
from corrigo.http.dashboard.forms import text_field
from corrigo.http.dashboard.group import render_group

MAX_FIELD = 1000


async def apply_form(request: Request) -> Response:
    """Preview or apply the posted correction, then show the group page with the outcome."""
    ctx = await require_editor(request)
    form = await verified_form(request, ctx)
    group_id: int = request.path_params["group_id"]
    correction = text_field(form, "correction", MAX_FIELD)
    previewed = text_field(form, "previewed", MAX_FIELD)
    base = text_field(form, "base_version", 200) or None
    wants_apply = text_field(form, "step", 10) == "apply" and previewed == correction
    ask = ApplyAsk(correction, preview=not wants_apply, base_version=base if wants_apply else None)
    result = await apply_to_group(request, ctx.site_ids, ctx.editor, group_id, ask)
    if result is None:
        raise HTTPException(404)
    _target, outcome = result
    status = {"conflict": 409, "unplaceable": 422}.get(outcome.status, 200)
    return await render_group(
        request, ctx, group_id, correction=correction, outcome=outcome, status_code=status
    )


routes = [Route("/dashboard/groups/{group_id:id}/apply", apply_form, methods=["POST"])]
