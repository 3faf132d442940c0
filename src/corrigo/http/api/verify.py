"""``POST /api/v1/groups/{id}/verify``: check a group's page now and answer the outcome."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.http.api.access import api_context
from corrigo.http.csrf import require_header_token
from corrigo.http.errors import NOT_FOUND, ApiError
from corrigo.http.verify import NoWorker, check_and_wait


async def verify_group(request: Request) -> JSONResponse:
    """Check the group's page now: ``{outcome, checked_at, now, reason}``."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    try:
        found = await check_and_wait(request, ctx.site_ids, request.path_params["group_id"])
    except NoWorker:
        raise ApiError(
            503, "no_worker", "No worker checked the page in time; are the workers running?"
        ) from None
    if found is None:
        raise NOT_FOUND
    return JSONResponse(found.as_json())


routes = [Route("/api/v1/groups/{group_id:id}/verify", verify_group, methods=["POST"])]
