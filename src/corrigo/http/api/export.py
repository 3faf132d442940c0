"""``GET /api/v1/export``: the dashboard's export for an API token or a signed-in session."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.http.api.access import api_context
from corrigo.http.errors import NOT_FOUND, ApiError
from corrigo.http.export_request import download, parse_export
from corrigo.http.inbox_params import refuse_blank
from corrigo.store.errors import NotVisible
from corrigo.store.inbox import InboxError


async def export_api(request: Request) -> Response:
    """The export file (what=groups|reports, format=csv|json, inbox filters), streamed.

    Errors answer JSON like the rest of the API: 401 without credentials, 404
    for a site the caller may not see, 422 for a bad parameter.
    """
    ctx = await api_context(request)
    try:
        refuse_blank(request.query_params)
        export = await parse_export(request, ctx)
    except NotVisible:
        raise NOT_FOUND from None
    except InboxError as error:
        raise ApiError(422, "invalid", str(error), error.field) from None
    return download(request, ctx, export, bom=False)


routes = [Route("/api/v1/export", export_api, methods=["GET"])]
