"""``POST /api/v1/reports``: the one endpoint readers' browsers talk to.

It is a plain ASGI endpoint rather than a Starlette request handler: at
thousands of reports a second, building Request and Response objects for every
report cost more than checking the report itself.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from functools import partial

import msgspec
from sqlalchemy.exc import SQLAlchemyError
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from corrigo.domain.origins import origin_allowed
from corrigo.domain.privacy import DailyHasher
from corrigo.domain.report import (
    MAX_BODY_BYTES,
    Accepted,
    ErrorBody,
    InputError,
    RateLimited,
    decode,
    site_key_of,
    validate,
)
from corrigo.http.client_address import reader_address
from corrigo.http.state import AppState
from corrigo.store.ingest import ReportJob
from corrigo.store.salts import salt_for, today
from corrigo.store.sites import SiteInfo

log = logging.getLogger(__name__)
_encode = msgspec.json.encode
PREFLIGHT_MAX_AGE = "86400"
Headers = list[tuple[bytes, bytes]]
_VARY: Headers = [(b"vary", b"Origin")]
_PREFLIGHT: Headers = [
    (b"access-control-allow-methods", b"POST, OPTIONS"),
    (b"access-control-allow-headers", b"content-type"),
    (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
]
_TOO_LARGE = InputError("too_large", f"The body may be at most {MAX_BODY_BYTES} bytes.", status=413)
_UNKNOWN_SITE = InputError("unknown_site", "This site is not known.", "site", status=404)
_ORIGIN_NOT_ALLOWED = InputError(
    "origin_not_allowed", "This site does not accept reports from this origin.", status=403
)
_URL_NOT_ALLOWED = InputError(
    "url_not_allowed",
    "The page's address is not on one of the site's allowed origins.",
    "url",
    status=403,
)


RETRY_AFTER = b"5"
_UNAVAILABLE = _encode(
    ErrorBody(error="unavailable", message="The report could not be saved; please retry.")
)


class ClientGone(Exception):
    """The client disconnected before its request body arrived."""


class RequestHead:
    """The request headers the ingest reads, picked out of the ASGI scope in one pass."""

    __slots__ = ("content_length", "forwarded_for", "origin")

    def __init__(self, scope: Scope) -> None:
        self.origin: str | None = None
        self.content_length: bytes | None = None
        self.forwarded_for = ""
        for name, value in scope["headers"]:
            if name == b"origin":
                self.origin = value.decode("latin-1")
            elif name == b"content-length":
                self.content_length = value
            elif name == b"x-forwarded-for":
                # Several headers are one comma-separated list (RFC 9110).
                text = value.decode("latin-1")
                self.forwarded_for = f"{self.forwarded_for},{text}" if self.forwarded_for else text


async def read_body(receive: Receive, declared: bytes | None) -> bytes:
    """The request body, refused (413) as soon as it is known to pass the limit."""
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise _TOO_LARGE
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def send_json(send: Send, status: int, body: bytes, headers: Headers) -> None:
    """Answer with a JSON body and these extra headers."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _cors(origin: str) -> Headers:
    return [(b"access-control-allow-origin", origin.encode("latin-1")), *_VARY]


def _refusal(code: str, message: str) -> bytes:
    return _encode(ErrorBody(error=code, message=message))


async def _site(state: AppState, key: str) -> SiteInfo | None:
    known, fresh, site = state.site_cache.peek(key)
    if fresh:
        return site
    lookup = partial(state.site_cache.get, key)
    if known:  # answer from the expired entry while one lookup refreshes it
        state.lookups.start(f"site:{key}", lookup)
        return site
    found: SiteInfo | None = await state.lookups.run(f"site:{key}", lookup)
    return found


async def _reader_hash(state: AppState, address: str) -> str:
    hasher = state.reader_hasher
    if hasher is None or not hasher.valid_at(time.time()):
        day = today()
        salt = await state.lookups.run(f"salt:{day}", partial(salt_for, state.engine, day))
        hasher = DailyHasher(day, salt)
        state.reader_hasher = hasher
    return hasher.hash(address)


async def _some_site_allows(state: AppState, origin: str | None) -> bool:
    """Whether `origin` is one that some site accepts reports from."""
    if not origin:
        return False
    fresh, allowed = state.site_cache.known_origins()
    if not fresh:
        allowed = await state.lookups.run("origins", state.site_cache.all_origins)
    return origin_allowed(origin, list(allowed))


async def _preflight(state: AppState, head: RequestHead, send: Send) -> None:
    """Answer a CORS preflight for an origin that some site allows, and only for those."""
    origin = head.origin or ""
    if not await _some_site_allows(state, origin):
        body = _refusal("origin_not_allowed", "This origin may not send reports.")
        await send_json(send, 403, body, [])
        return
    await send(
        {"type": "http.response.start", "status": 204, "headers": _cors(origin) + _PREFLIGHT}
    )
    await send({"type": "http.response.body", "body": b""})


async def _create(
    state: AppState, scope: Scope, head: RequestHead, receive: Receive, send: Send
) -> None:
    """Validate, rate-limit and store one report; answer 202 once it is committed."""
    origin = head.origin
    cors = _VARY
    site: SiteInfo | None = None
    try:
        raw = decode(await read_body(receive, head.content_length))
        # The site first: its origins say who may read the other refusals.
        site = await _site(state, site_key_of(raw))
        if site is None:
            raise _UNKNOWN_SITE
        if origin is not None:
            if not origin_allowed(origin, list(site.allowed_origins)):
                raise _ORIGIN_NOT_ALLOWED
            cors = _cors(origin)
        clean = validate(raw)
        if not origin_allowed(clean.origin, list(site.allowed_origins)):
            raise _URL_NOT_ALLOWED
    except InputError as error:
        state.metrics.count(f"rejected_{error.code}")
        if site is None and await _some_site_allows(state, origin):
            # The report's site is not known (yet), so its origins are not either: a
            # browser on any site's origin may read why its report was refused.
            cors = _cors(origin or "")
        await send_json(send, error.status, _encode(error.body()), cors)
        return

    client = scope.get("client")
    address = reader_address(
        client[0] if client else "", head.forwarded_for, state.settings.trusted_proxies
    )
    hashed = await _reader_hash(state, address)
    refusal = await state.limiter.hit("reader", f"{site.id}:{hashed}", state.settings.reader_limits)
    if refusal is None:
        refusal = await state.limiter.hit("site", str(site.id), state.settings.site_limits)
    if refusal is not None:
        state.metrics.count("rejected_rate_limited")
        who = "You have" if refusal.scope == "reader" else "This site has"
        message = f"{who} sent too many reports; please try again {refusal.in_words}."
        body = _encode(RateLimited("rate_limited", message, retry_after=refusal.retry_after))
        retry = [(b"retry-after", str(refusal.retry_after).encode())]
        await send_json(send, 429, body, cors + retry)
        return

    if clean.is_bot:
        state.metrics.count("dropped_honeypot")
        await send_json(
            send, 202, _encode(Accepted(report_id=0, group_id=0, duplicate=False)), cors
        )
        return

    job = ReportJob(
        site_id=site.id, report=clean, reader_hash=hashed, received_at=datetime.now(UTC)
    )
    try:
        stored = await state.writer.submit(job)
    except Exception:
        log.exception("report not stored")
        state.metrics.count("store_failed")
        await send_json(send, 503, _UNAVAILABLE, [*cors, (b"retry-after", RETRY_AFTER)])
        return
    state.metrics.count("accepted")
    answer = Accepted(
        report_id=stored.report_id, group_id=stored.group_id, duplicate=stored.duplicate
    )
    await send_json(send, 202, _encode(answer), cors)


class ReportsEndpoint:
    """The ASGI endpoint of ``/api/v1/reports``: reports, and their CORS preflights."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state: AppState = scope["app"].state.corrigo
        head = RequestHead(scope)
        if scope["method"] == "OPTIONS":
            await _preflight(state, head, send)
            return
        try:
            await _create(state, scope, head, receive, send)
        except ClientGone:  # nobody is left to answer
            return
        except SQLAlchemyError:
            # The store failed outside the writer (reading the site, the day's salt): the
            # report is not stored, and the widget keeps it to send again later.
            log.exception("ingest could not reach the store")
            state.metrics.count("store_failed")
            await send_json(send, 503, _UNAVAILABLE, [(b"retry-after", RETRY_AFTER)])


PATH = "/api/v1/reports"
METHODS = frozenset({"POST", "OPTIONS"})
# The route documents the endpoint and answers other methods (405); POST and OPTIONS
# reach the endpoint through the fast lane (corrigo.http.fast_lane).
routes = [Route(PATH, ReportsEndpoint(), methods=sorted(METHODS))]
