"""Export of groups or reports as CSV or JSON: the dashboard's form and its download.

The filters are the inbox's (same query parameters: site, status, lang, url,
since, until, q), so "export what I see" is the inbox address with
``/dashboard/export`` in front. Files stream from the store batch by batch.
An editor exports only their sites; naming another site answers 404.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from corrigo.http.dashboard.auth import EditorContext, render, require_editor
from corrigo.http.dashboard.i18n import LANGUAGES
from corrigo.http.db import in_session
from corrigo.http.inbox_params import parse_inbox_query
from corrigo.http.state import state_of
from corrigo.store.export import FORMATS, MEDIA_TYPES, WHATS, Format, What, export_chunks
from corrigo.store.inbox import STATUS_ORDER, InboxError, InboxFilter, sites_of
from corrigo.store.triage import NotVisible


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """A parsed export request: what, which format, which filter."""

    what: What
    fmt: Format
    wanted: InboxFilter

    def filename(self) -> str:
        """The download's file name, e.g. ``corrigo-groups-2026-11-27.csv``."""
        return f"corrigo-{self.what}-{datetime.now(UTC):%Y-%m-%d}.{self.fmt}"


def _choice(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> Any:
    value = params.get(name, "").strip() or choices[0]
    if value not in choices:
        raise InboxError(name, f"{name} must be one of " + ", ".join(choices))
    return value


async def parse_export(request: Request, ctx: EditorContext) -> ExportRequest:
    """Read what/format and the inbox filter; InboxError for bad values, NotVisible for a site."""
    params = dict(request.query_params)
    what: What = _choice(params, "what", WHATS)
    fmt: Format = _choice(params, "format", FORMATS)

    def load(session: Session) -> InboxFilter:
        return parse_inbox_query(params, session, ctx.site_ids).wanted

    return ExportRequest(what, fmt, await in_session(request, load))


def download(request: Request, ctx: EditorContext, export: ExportRequest, bom: bool) -> Response:
    """The streamed file (read from the store while it is sent)."""
    chunks = export_chunks(
        state_of(request).sessions, export.what, export.fmt, ctx.site_ids, export.wanted, bom=bom
    )
    return StreamingResponse(
        (chunk.encode() for chunk in chunks),
        media_type=MEDIA_TYPES[export.fmt],
        headers={
            "content-disposition": f'attachment; filename="{export.filename()}"',
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
        },
    )


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
