"""The readers' reports go straight to the ingest, past the layers the dashboard needs.

Every request of the dashboard and the editors' API passes through Starlette's
error and exception middleware, the NUL rule on paths and queries, the security
headers and the router. None of them changes what ``POST /api/v1/reports``
does (its path is fixed, it reads no query, it gets no security headers), yet
together they cost about as much as checking a report. So reports and their
preflights are dispatched first; the body deadline still covers them (it wraps
both lanes, so the cap on slow bodies stays one per process), and an unexpected
failure still answers the API's JSON 500.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from corrigo.http.body_deadline import BodyRefused, TrackedSend
from corrigo.http.errors import internal_error


class FastLane:
    """ASGI app sending `path`'s `methods` to `endpoint` and everything else to `app`."""

    def __init__(self, app: ASGIApp, path: str, methods: frozenset[str], endpoint: ASGIApp) -> None:
        self.app = app
        self.path = path
        self.methods = methods
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or scope["method"] not in self.methods
        ):
            await self.app(scope, receive, send)
            return
        tracked = TrackedSend(send)
        try:
            await self.endpoint(scope, receive, tracked)
        except BodyRefused:
            raise  # the body deadline around both lanes answers it
        except Exception:
            if tracked.started:
                raise
            # What Starlette's error middleware answers on an /api/ path; the server logs it.
            await internal_error()(scope, receive, send)
            raise
