"""``GET /api/v1/deliveries`` and ``POST /api/v1/deliveries/{id}/retry``.

Authenticated like the rest of the editors' API (an API token, or a session
with its CSRF header for the POST); an editor sees only their sites' deliveries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.domain.numbers import MAX_ID, parse_whole
from corrigo.http.api.access import api_context
from corrigo.http.csrf import require_header_token
from corrigo.http.db import in_session
from corrigo.http.errors import ApiError
from corrigo.store.channels import (
    PAGE_SIZE,
    DeliveryNotFound,
    NotRetryable,
    list_deliveries,
    retry_delivery,
)
from corrigo.store.outbox import DELIVERY_STATUSES

MAX_PAGE_SIZE = 500
STATUS_FILTERS = (*DELIVERY_STATUSES, "all")


def _whole(request: Request, name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = parse_whole(raw, low, high)
    if value is None:
        raise ApiError(422, "invalid", f"{name} must be a whole number from {low} to {high}.", name)
    return value


async def get_deliveries(request: Request) -> JSONResponse:
    """Deliveries newest first, ``status`` failed by default (or pending, sent… or all)."""
    ctx = await api_context(request)
    status = request.query_params.get("status", "failed")
    if status not in STATUS_FILTERS:
        raise ApiError(
            422, "invalid", "status must be one of " + ", ".join(STATUS_FILTERS), "status"
        )
    limit = _whole(request, "limit", PAGE_SIZE, 1, MAX_PAGE_SIZE) or PAGE_SIZE
    before = _whole(request, "before", None, 0, MAX_ID)

    def load(session: Session) -> dict[str, Any]:
        wanted = None if status == "all" else status
        views = list_deliveries(session, ctx.site_ids, wanted, limit, before)
        items = [view.as_json() for view in views]
        return {"items": items, "next": items[-1]["id"] if len(items) == limit else None}

    return JSONResponse(await in_session(request, load))


async def post_retry(request: Request) -> JSONResponse:
    """Queue a failed delivery to be sent again now (409 when it has not failed)."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    delivery_id: int = request.path_params["delivery_id"]

    def retry(session: Session) -> dict[str, Any]:
        view = retry_delivery(session, delivery_id, ctx.site_ids)
        session.commit()
        return view.as_json()

    try:
        return JSONResponse(await in_session(request, retry))
    except DeliveryNotFound:
        raise ApiError(404, "not_found", "No such delivery.") from None
    except NotRetryable as error:
        raise ApiError(409, "not_failed", str(error)) from None


routes = [
    Route("/api/v1/deliveries", get_deliveries, methods=["GET"]),
    Route("/api/v1/deliveries/{delivery_id:id}/retry", post_retry, methods=["POST"]),
]
