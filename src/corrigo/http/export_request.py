"""An export request (what, format, the inbox's filters) and its streamed download.

The dashboard's export page and ``GET /api/v1/export`` both read and answer it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from corrigo.http.auth import EditorContext
from corrigo.http.db import in_session
from corrigo.http.inbox_params import parse_inbox_query
from corrigo.http.state import state_of
from corrigo.store.export import FORMATS, MEDIA_TYPES, WHATS, Format, What, export_chunks
from corrigo.store.inbox import InboxError, InboxFilter


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
