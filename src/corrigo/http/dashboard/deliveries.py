"""Notifications of the editor's sites that have not arrived: waiting or retrying (with the
next attempt and the last error), and failed ones, with a button to try again."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.http.csrf import verified_form
from corrigo.http.dashboard.auth import render, require_editor
from corrigo.http.db import in_session
from corrigo.store.channels import (
    DeliveryNotFound,
    NotRetryable,
    retry_delivery,
    undelivered,
)

SHOWN = 100


async def deliveries_page(request: Request) -> Response:
    """Deliveries still waiting or retrying, and the newest failed ones the editor may see."""
    ctx = await require_editor(request)
    waiting, failed = await in_session(
        request, lambda session: undelivered(session, ctx.site_ids, SHOWN)
    )
    return render(
        request,
        "deliveries.html",
        {
            "waiting": waiting,
            "deliveries": failed,
            "retried": request.query_params.get("retried", ""),
        },
    )


async def retry(request: Request) -> Response:
    """Queue one failed delivery to be sent again now."""
    ctx = await require_editor(request)
    await verified_form(request, ctx)
    delivery_id: int = request.path_params["delivery_id"]

    def run(session: Session) -> None:
        retry_delivery(session, delivery_id, ctx.site_ids)
        session.commit()

    try:
        await in_session(request, run)
    except DeliveryNotFound:
        raise HTTPException(404) from None
    except NotRetryable:
        return RedirectResponse("/dashboard/deliveries?retried=already", status_code=303)
    return RedirectResponse("/dashboard/deliveries?retried=1", status_code=303)


routes = [
    Route("/dashboard/deliveries", deliveries_page, methods=["GET"]),
    Route("/dashboard/deliveries/{delivery_id:id}/retry", retry, methods=["POST"]),
]
