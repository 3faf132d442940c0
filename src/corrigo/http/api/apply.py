"""``POST /api/v1/groups/{id}/apply``: preview or apply a correction through the site's connector.

200 with ``applied`` true or false (and the reason), 409 when the source changed
since the preview, 422 when the words cannot be placed in the source. Tokens,
CSRF and site visibility are those of the rest of the API.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.connectors.apply import Outcome
from corrigo.http.api.access import api_context
from corrigo.http.api.request_body import read_json
from corrigo.http.apply import ApplyAsk, apply_to_group
from corrigo.http.csrf import require_header_token
from corrigo.http.db import in_session
from corrigo.http.errors import NOT_FOUND
from corrigo.store.inbox import visible_group

MAX_BODY = 8 * 1024
# What a reader may suggest is at most 300 characters; room for an editor's edit.
MAX_CORRECTION_INPUT = 1000
STATUS_CODES = {"conflict": 409, "unplaceable": 422}


class ApplyBody(msgspec.Struct, forbid_unknown_fields=True):
    """The correction, whether only to preview it, and the version a preview returned."""

    correction: Annotated[str, msgspec.Meta(max_length=MAX_CORRECTION_INPUT)]
    preview: bool = False
    base_version: Annotated[str, msgspec.Meta(max_length=200)] | None = None


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """The answer's body: what happened, the diff, where it was written or why not."""
    return {
        "applied": outcome.applied,
        "status": outcome.status,
        "preview": outcome.preview_text,
        "diff": [{"kind": part.kind, "text": part.text} for part in outcome.diff],
        "connector": outcome.connector or None,
        "base_version": outcome.version,
        "revision": outcome.revision,
        "location": outcome.location,
        "reason": outcome.reason,
    }


async def apply_correction(request: Request) -> JSONResponse:
    """Preview (``"preview": true``) or apply a correction to the group's article."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    group_id: int = request.path_params["group_id"]
    # Another site's group is 404 whatever the body says: its validation must not tell it exists.
    if not await in_session(
        request, lambda s: visible_group(s, ctx.site_ids, group_id) is not None
    ):
        raise NOT_FOUND
    body = await read_json(request, ApplyBody, MAX_BODY)
    ask = ApplyAsk(body.correction, body.preview, body.base_version)
    result = await apply_to_group(request, ctx.site_ids, ctx.editor, group_id, ask)
    if result is None:
        raise NOT_FOUND
    _target, outcome = result
    return JSONResponse(outcome_json(outcome), status_code=STATUS_CODES.get(outcome.status, 200))


routes = [Route("/api/v1/groups/{group_id:id}/apply", apply_correction, methods=["POST"])]
