"""``POST /api/v1/reports``: the one endpoint readers' browsers talk to."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.domain.origins import origin_allowed
from corrigo.domain.privacy import DailyHasher
from corrigo.domain.report import MAX_BODY_BYTES, Accepted, InputError, decode, validate
from corrigo.http.client_address import client_address
from corrigo.http.state import AppState, state_of
from corrigo.store.ingest import ReportJob
from corrigo.store.salts import salt_for, today
from corrigo.store.sites import SiteInfo

log = logging.getLogger(__name__)
_encode = msgspec.json.encode
PREFLIGHT_MAX_AGE = "86400"


def _json(body: object, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _encode(body), status_code=status, headers=headers, media_type="application/json"
    )


def _refuse(error: InputError, cors: dict[str, str]) -> Response:
    return _json(error.body(), error.status, cors)


async def _read_body(request: Request) -> bytes:
    """The body, refusing early (413) once it grows past the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise InputError(
            "too_large", f"The body may be at most {MAX_BODY_BYTES} bytes.", status=413
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise InputError(
                "too_large", f"The body may be at most {MAX_BODY_BYTES} bytes.", status=413
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _cors_headers(origin: str) -> dict[str, str]:
    return {"access-control-allow-origin": origin, "vary": "Origin"}


async def _site(state: AppState, key: str) -> SiteInfo | None:
    cache = state.site_cache
    fresh, site = cache.peek(key)
    if fresh:
        return site
    return await run_in_threadpool(cache.get, key)


async def _reader_hash(state: AppState, address: str) -> str:
    hasher = state.reader_hasher
    if hasher is None or not hasher.valid_at(time.time()):
        day = today()
        hasher = DailyHasher(day, await run_in_threadpool(salt_for, state.engine, day))
        state.reader_hasher = hasher
    return hasher.hash(address)


async def preflight(request: Request) -> Response:
    """Answer CORS preflights for origins that some site allows, and only those."""
    state = state_of(request)
    origin = request.headers.get("origin", "")
    allowed = await run_in_threadpool(state.site_cache.all_origins)
    if not origin or not origin_allowed(origin, list(allowed)):
        return _json(
            {
                "error": "origin_not_allowed",
                "message": "This origin may not send reports.",
                "field": None,
            },
            403,
        )
    headers = _cors_headers(origin)
    headers.update(
        {
            "access-control-allow-methods": "POST, OPTIONS",
            "access-control-allow-headers": "content-type",
            "access-control-max-age": PREFLIGHT_MAX_AGE,
        }
    )
    return Response(status_code=204, headers=headers)


async def create_report(request: Request) -> Response:
    """Validate, rate-limit and store one report; answer 202 once it is committed."""
    state = state_of(request)
    origin = request.headers.get("origin")
    cors: dict[str, str] = {"vary": "Origin"}
    try:
        body = await _read_body(request)
        clean = validate(decode(body))
        site = await _site(state, clean.site_key)
        if site is None:
            raise InputError("unknown_site", "This site is not known.", "site", status=404)
        if origin is not None:
            if not origin_allowed(origin, list(site.allowed_origins)):
                raise InputError(
                    "origin_not_allowed",
                    "This site does not accept reports from this origin.",
                    status=403,
                )
            cors = _cors_headers(origin)
        if not origin_allowed(clean.origin, list(site.allowed_origins)):
            raise InputError(
                "url_not_allowed",
                "The page's address is not on one of the site's allowed origins.",
                "url",
                status=403,
            )
    except InputError as error:
        state.metrics.count(f"rejected_{error.code}")
        return _refuse(error, cors)
    except ClientDisconnect:
        return Response(status_code=400)

    address = client_address(request, state.settings.trusted_proxies)
    hashed = await _reader_hash(state, address)
    refusal = state.limiter.hit("reader", f"{site.id}:{hashed}", state.settings.reader_limits)
    if refusal is None:
        refusal = state.limiter.hit("site", str(site.id), state.settings.site_limits)
    if refusal is not None:
        state.metrics.count("rejected_rate_limited")
        who = "You have" if refusal.scope == "reader" else "This site has"
        headers = {**cors, "retry-after": str(refusal.retry_after)}
        return _json(
            {
                "error": "rate_limited",
                "message": f"{who} sent too many reports; please try again later.",
                "field": None,
            },
            429,
            headers,
        )

    if clean.is_bot:
        state.metrics.count("dropped_honeypot")
        return _json(Accepted(report_id=0, group_id=0, duplicate=False), 202, cors)

    job = ReportJob(
        site_id=site.id, report=clean, reader_hash=hashed, received_at=datetime.now(UTC)
    )
    try:
        stored = await state.writer.submit(job)
    except Exception:
        log.exception("report not stored")
        state.metrics.count("store_failed")
        return _json(
            {
                "error": "unavailable",
                "message": "The report could not be saved; please retry.",
                "field": None,
            },
            503,
            {**cors, "retry-after": "5"},
        )
    state.metrics.count("accepted")
    return _json(
        Accepted(report_id=stored.report_id, group_id=stored.group_id, duplicate=stored.duplicate),
        202,
        cors,
    )


routes = [
    Route("/api/v1/reports", create_report, methods=["POST"]),
    Route("/api/v1/reports", preflight, methods=["OPTIONS"]),
]
