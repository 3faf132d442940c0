"""The editors' JSON API: the inbox, one group, and decisions on groups.

It offers what the dashboard pages offer, to a signed-in session (state-changing
calls then need the session's `X-CSRF-Token` header) or to an API token
(`Authorization: Bearer …`). An editor sees only their sites: anything else
answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo.domain.fragment import fragment_link
from corrigo.domain.lifecycle import Action
from corrigo.domain.numbers import MAX_ID, whole_id
from corrigo.domain.proposal import NOT_COMPUTED, StoredProposal
from corrigo.domain.worddiff import word_diff
from corrigo.http.api.access import api_context
from corrigo.http.api.request_body import read_json
from corrigo.http.auth import EditorContext
from corrigo.http.csrf import require_header_token
from corrigo.http.db import in_session
from corrigo.http.errors import NOT_FOUND, ApiError
from corrigo.http.inbox_params import parse_inbox_query, refuse_blank
from corrigo.store import triage
from corrigo.store.checks import Verification, verification_of
from corrigo.store.errors import NotVisible
from corrigo.store.inbox import GroupDetail, InboxError, InboxRow, group_detail, inbox_page
from corrigo.store.models import ErrorGroup, Report
from corrigo.store.sites import sites_of
from corrigo.store.triage import MAX_BULK, MAX_NOTE, TriageError, decide

T = TypeVar("T")
# A bulk request lists at most this many ids; the body is bounded accordingly.
MAX_ACTION_BODY = 64 * 1024


Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE)]


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    """Body of a decision on one group: the action and an optional note."""

    action: Action
    note: Note = ""


class BulkDecision(msgspec.Struct, forbid_unknown_fields=True):
    """Body of one decision on several groups."""

    # JSON Schema's integers include 3.0: whole numbers are ids (see `whole_id`).
    ids: Annotated[list[int | float], msgspec.Meta(min_length=1, max_length=MAX_BULK)]
    action: Action
    note: Note = ""


def _context_json(exact: str, prefix: str, suffix: str) -> dict[str, str]:
    return {"exact": exact, "prefix": prefix, "suffix": suffix}


def row_json(row: InboxRow) -> dict[str, Any]:
    """A group as the inbox lists it."""
    return {
        "id": row.id,
        "site": row.site_key,
        "site_name": row.site_name,
        "url": row.url,
        "title": row.title,
        "lang": row.lang,
        "quote": _context_json(row.exact, row.prefix, row.suffix),
        "status": row.status,
        "report_count": row.report_count,
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "fragment_url": fragment_link(row.url, row.exact, row.prefix, row.suffix),
        **spelling_json(row.proposal),
        **check_json(row.verification, row.still_on_page),
    }


def check_json(verification: Verification | None, still_on_page: bool) -> dict[str, Any]:
    """The page checker's fields of a group: its last check and the still-on-the-page flag."""
    return {
        "verification": None if verification is None else verification.as_json(),
        "still_on_page": still_on_page,
    }


def spelling_json(stored: StoredProposal | None) -> dict[str, Any]:
    """`proposal`, `dictionary` and `hint` of a group; all null until they are computed."""
    return stored.as_json() if stored is not None else dict(NOT_COMPUTED)


def group_json(group: ErrorGroup, site_key: str, site_name: str) -> dict[str, Any]:
    """A group's own fields (status, decision, counters)."""
    return {
        "id": group.id,
        "site": site_key,
        "site_name": site_name,
        "url": group.url,
        "title": group.title,
        "lang": group.lang,
        "author": group.author,
        "quote": _context_json(group.exact, group.prefix, group.suffix),
        "position": None
        if group.pos_start is None
        else {"start": group.pos_start, "end": group.pos_end},
        "status": group.status,
        "status_note": group.status_note,
        "status_changed_at": group.status_changed_at.isoformat()
        if group.status_changed_at
        else None,
        "report_count": group.report_count,
        "first_seen": group.first_seen.isoformat(),
        "last_seen": group.last_seen.isoformat(),
        "fragment_url": fragment_link(group.url, group.exact, group.prefix, group.suffix),
        **check_json(verification_of(group), group.still_on_page),
    }


def report_json(report: Report) -> dict[str, Any]:
    """A report as editors see it (no reader hash)."""
    return {
        "id": report.id,
        "url": report.url,
        "title": report.title,
        "quote": _context_json(report.exact, report.prefix, report.suffix),
        "comment": report.comment,
        "suggestion": report.suggestion,
        "widget_version": report.widget_version,
        "created_at": report.created_at.isoformat(),
    }


def detail_json(detail: GroupDetail) -> dict[str, Any]:
    """A group in full: reports, proposed corrections with their word diff, history."""
    group = detail.group
    return {
        **group_json(group, detail.site.public_key, detail.site.name),
        **spelling_json(detail.proposal),
        "reports": [report_json(report) for report in detail.reports],
        "suggestions": [
            {
                "text": suggestion.text,
                "count": suggestion.count,
                "diff": [
                    {"kind": part.kind, "text": part.text}
                    for part in word_diff(group.exact, suggestion.text)
                ],
            }
            for suggestion in detail.suggestions
        ],
        "events": [
            {
                "action": event.action,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
                "editor": event.editor_email,
                "created_at": event.created_at.isoformat(),
            }
            for event in detail.events
        ],
    }


async def list_groups(request: Request) -> JSONResponse:
    """The inbox: filtered groups in inbox order, with a `next` cursor for the next page."""
    ctx = await api_context(request)
    params = dict(request.query_params)

    def load(session: Session) -> dict[str, Any]:
        refuse_blank(params)
        query = parse_inbox_query(params, session, ctx.site_ids)
        page = inbox_page(session, ctx.site_ids, query.wanted, query.after, query.limit)
        return {"items": [row_json(row) for row in page.rows], "next": page.next_cursor}

    try:
        return JSONResponse(await in_session(request, load))
    except InboxError as error:
        raise ApiError(422, "invalid", str(error), error.field) from None
    except NotVisible:
        raise NOT_FOUND from None


async def get_group(request: Request) -> JSONResponse:
    """One group with its reports, suggestions and decisions."""
    ctx = await api_context(request)
    group_id: int = request.path_params["group_id"]

    def load(session: Session) -> dict[str, Any] | None:
        detail = group_detail(session, ctx.site_ids, group_id)
        return None if detail is None else detail_json(detail)

    body = await in_session(request, load)
    if body is None:
        raise NOT_FOUND
    return JSONResponse(body)


async def _decide(
    request: Request, ctx: EditorContext, ids: list[int], action: Action, note: str
) -> list[dict[str, Any]]:
    try:
        decision = triage.Decision(action, note)
    except TriageError as error:
        raise ApiError(422, "invalid", str(error), error.field) from None

    def apply(session: Session) -> list[dict[str, Any]]:
        groups = decide(session, ctx.site_ids, ids, decision, ctx.editor.id)
        session.commit()
        sites = {site.id: site for site in sites_of(session, ctx.site_ids)}
        return [group_json(g, sites[g.site_id].public_key, sites[g.site_id].name) for g in groups]

    try:
        return await in_session(request, apply)
    except NotVisible:
        raise NOT_FOUND from None
    except TriageError as error:
        raise ApiError(422, "invalid", str(error), error.field) from None


async def act_on_group(request: Request) -> JSONResponse:
    """Mark one group fixed / rejected / spam, or reopen it, with an optional note."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    body = await read_json(request, Decision, MAX_ACTION_BODY)
    groups = await _decide(request, ctx, [request.path_params["group_id"]], body.action, body.note)
    return JSONResponse(groups[0])


async def act_on_groups(request: Request) -> JSONResponse:
    """The same decision on several groups at once (all visible, or nothing changes)."""
    ctx = await api_context(request)
    require_header_token(request, ctx)
    body = await read_json(request, BulkDecision, MAX_ACTION_BODY)
    ids = [whole_id(value) for value in body.ids]
    if None in ids:
        raise ApiError(422, "invalid", f"ids are whole numbers from 1 to {MAX_ID}.", "ids")
    groups = await _decide(request, ctx, [i for i in ids if i is not None], body.action, body.note)
    return JSONResponse({"items": groups})


routes = [
    Route("/api/v1/groups", list_groups, methods=["GET"]),
    Route("/api/v1/groups/actions", act_on_groups, methods=["POST"]),
    Route("/api/v1/groups/{group_id:id}", get_group, methods=["GET"]),
    Route("/api/v1/groups/{group_id:id}/actions", act_on_group, methods=["POST"]),
]
