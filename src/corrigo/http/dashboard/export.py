"""Export of groups or reports as CSV or JSON: the dashboard's form and its download.

The filters are the inbox's (same query parameters: site, status, lang, url,
since, until, q), so "export what I see" is the inbox address with
``/dashboard/export`` in front. Files stream from the store batch by batch.
An editor exports only their sites; naming another site answers 404.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.http.dashboard.auth import EditorContext, render, require_editor
from corrigo.http.dashboard.i18n import LANGUAGES
from corrigo.http.db import in_session
from corrigo.http.export_request import download, parse_export
from corrigo.store.errors import NotVisible
from corrigo.store.export import FORMATS, WHATS
from corrigo.store.inbox import STATUS_ORDER, InboxError
from corrigo.store.sites import sites_of


async def _form(request: Request, ctx: EditorContext, error: InboxError | None = None) -> Response:
    sites = await in_session(request, lambda session: sites_of(session, ctx.site_ids))
    return render(
        request,
        "export.html",
        {
            "params": dict(request.query_params),
            "sites": sites,
            "statuses": STATUS_ORDER,
            "languages": sorted({site.default_lang for site in sites} | set(LANGUAGES)),
            "whats": WHATS,
            "formats": FORMATS,
            "bad_field": error.field if error else None,
        },
        status_code=400 if error else 200,
    )


async def export_form(request: Request) -> Response:
    """``GET /dashboard/export``: the form, pre-filled from the query (e.g. the inbox's filters).

    The query is checked like the download's: another site's key answers 404.
    """
    ctx = await require_editor(request)
    try:
        await parse_export(request, ctx)
    except NotVisible:
        raise HTTPException(404) from None
    except InboxError as error:
        return await _form(request, ctx, error)
    return await _form(request, ctx)


async def export_download(request: Request) -> Response:
    """``GET /dashboard/export/download``: the file; a bad filter shows the form with the error."""
    ctx = await require_editor(request)
    try:
        export = await parse_export(request, ctx)
    except NotVisible:
        raise HTTPException(404) from None
    except InboxError as error:
        return await _form(request, ctx, error)
    # A byte-order mark makes spreadsheets read the CSV as UTF-8.
    return download(request, ctx, export, bom=export.fmt == "csv")


routes = [
    Route("/dashboard/export", export_form, methods=["GET"]),
    Route("/dashboard/export/download", export_download, methods=["GET"]),
]
