"""The editors' JSON API: reading groups and their reports (token or session auth)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.domain.fragment import fragment_link
from corrigo.http.state import state_of
from corrigo.store.models import GROUP_STATUSES, EditorSite, ErrorGroup, Report, Site
from corrigo.store.tokens import token_owner

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class ApiError(Exception):
    """A refusal with a status and a JSON body."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def response(self) -> JSONResponse:
        """The JSON answer for this refusal."""
        return JSONResponse(
            {"error": self.code, "message": self.message, "field": self.field},
            status_code=self.status,
        )


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send an API token as 'Authorization: Bearer …'.")
    return token.strip()


def visible_site_ids(session: Session, token: str) -> list[int] | None:
    """Site ids the token may read; None means every site (admin)."""
    owner = token_owner(session, token)
    if owner is None:
        raise ApiError(401, "unauthorized", "The API token is not valid.")
    _token, editor = owner
    if editor is None or editor.role == "admin":
        return None
    return list(
        session.execute(
            select(EditorSite.site_id).where(EditorSite.editor_id == editor.id)
        ).scalars()
    )


def group_json(group: ErrorGroup, site_key: str) -> dict[str, Any]:
    """The public JSON shape of a group."""
    return {
        "id": group.id,
        "site": site_key,
        "url": group.url,
        "title": group.title,
        "lang": group.lang,
        "author": group.author,
        "quote": {"exact": group.exact, "prefix": group.prefix, "suffix": group.suffix},
        "position": None
        if group.pos_start is None
        else {"start": group.pos_start, "end": group.pos_end},
        "status": group.status,
        "report_count": group.report_count,
        "first_seen": group.first_seen.isoformat(),
        "last_seen": group.last_seen.isoformat(),
        "fragment_url": fragment_link(group.url, group.exact, group.prefix, group.suffix),
    }


def report_json(report: Report) -> dict[str, Any]:
    """The public JSON shape of a report (no reader hash)."""
    return {
        "id": report.id,
        "url": report.url,
        "title": report.title,
        "lang": report.lang,
        "author": report.author,
        "quote": {"exact": report.exact, "prefix": report.prefix, "suffix": report.suffix},
        "position": None
        if report.pos_start is None
        else {"start": report.pos_start, "end": report.pos_end},
        "comment": report.comment,
        "suggestion": report.suggestion,
        "widget_version": report.widget_version,
        "created_at": report.created_at.isoformat(),
    }


def _int_param(request: Request, name: str, default: int | None, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) > maximum:
        raise ApiError(422, "invalid", f"{name} must be a whole number up to {maximum}.", name)
    return int(raw)


async def list_groups(request: Request) -> JSONResponse:
    """Groups, newest activity first, with keyset pagination (`before` = last id seen)."""
    state = state_of(request)
    try:
        token = _bearer(request)
        status = request.query_params.get("status")
        if status is not None and status not in GROUP_STATUSES:
            raise ApiError(
                422, "invalid", "status must be one of " + ", ".join(GROUP_STATUSES), "status"
            )
        limit = _int_param(request, "limit", PAGE_SIZE, MAX_PAGE_SIZE) or PAGE_SIZE
        before = _int_param(request, "before", None, 2**62)
        site_key = request.query_params.get("site")

        def load() -> dict[str, Any]:
            with state.sessions() as session:
                allowed = visible_site_ids(session, token)
                query = select(ErrorGroup, Site.public_key).join(
                    Site, Site.id == ErrorGroup.site_id
                )
                if allowed is not None:
                    query = query.where(ErrorGroup.site_id.in_(allowed))
                if site_key:
                    query = query.where(Site.public_key == site_key)
                if status:
                    query = query.where(ErrorGroup.status == status)
                if before is not None:
                    query = query.where(ErrorGroup.id < before)
                rows = session.execute(query.order_by(ErrorGroup.id.desc()).limit(limit)).all()
                items = [group_json(group, key) for group, key in rows]
                return {"items": items, "next": items[-1]["id"] if len(items) == limit else None}

        return JSONResponse(await run_in_threadpool(load))
    except ApiError as error:
        return error.response()


async def get_group(request: Request) -> JSONResponse:
    """One group with all of its reports."""
    state = state_of(request)
    try:
        token = _bearer(request)
        raw_id = request.path_params["group_id"]

        def load() -> dict[str, Any]:
            with state.sessions() as session:
                allowed = visible_site_ids(session, token)
                row = session.execute(
                    select(ErrorGroup, Site.public_key)
                    .join(Site, Site.id == ErrorGroup.site_id)
                    .where(ErrorGroup.id == raw_id)
                ).first()
                if row is None or (allowed is not None and row[0].site_id not in allowed):
                    raise ApiError(404, "not_found", "No such group.")
                group, key = row
                reports = session.execute(
                    select(Report).where(Report.group_id == group.id).order_by(Report.id)
                ).scalars()
                return {**group_json(group, key), "reports": [report_json(r) for r in reports]}

        return JSONResponse(await run_in_threadpool(load))
    except ApiError as error:
        return error.response()


routes = [
    Route("/api/v1/groups", list_groups, methods=["GET"]),
    Route("/api/v1/groups/{group_id:int}", get_group, methods=["GET"]),
]
