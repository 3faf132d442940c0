"""One server process for the ingest benchmark: Corrigo itself, or one of two baselines.

All go through `corrigo.cli.server.serve_app`, so they share the server stack
(Starlette on uvicorn with httptools and uvloop, one worker, no access log):

- ``starlette``: a plain Starlette route that reads the JSON body, checks two
  fields and answers 202 — what any Python web service pays before doing work;
- ``bare``: a stricter reference, a plain ASGI endpoint that reads the body and
  sends the answer with the ingest's own helpers, so it differs from Corrigo only
  in what happens in between;
- ``corrigo``: the real application, settings from the CORRIGO_* environment.

Usage: ``server.py corrigo|starlette|bare PORT``.
"""

from __future__ import annotations

import sys

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from corrigo.cli.server import serve_app
from corrigo.config import load_settings
from corrigo.domain.report import Accepted, decode
from corrigo.http.app import create_app
from corrigo.http.ingest import RequestHead, read_body, send_json

_ANSWER = msgspec.json.encode(Accepted(report_id=1, group_id=1, duplicate=False))


class BareReports:
    """The baseline: read and parse the same JSON body as the ingest, answer 202."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = RequestHead(scope)
        decode(await read_body(receive, head.content_length))
        await send_json(send, 202, _ANSWER, [])


async def starlette_reports(request: Request) -> JSONResponse:
    """The Starlette baseline: parse the JSON, check the site and the address, answer 202."""
    body = await request.json()
    if not isinstance(body, dict) or not body.get("site") or not body.get("url"):
        return JSONResponse({"error": "invalid"}, status_code=422)
    return JSONResponse({"report_id": 1, "group_id": 1, "duplicate": False}, status_code=202)


def main() -> None:
    """Serve the chosen app on 127.0.0.1:PORT until killed."""
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "bare":
        app = Starlette(routes=[Route("/api/v1/reports", BareReports(), methods=["POST"])])
    elif kind == "starlette":
        app = Starlette(routes=[Route("/api/v1/reports", starlette_reports, methods=["POST"])])
    else:
        app = create_app(load_settings())
    serve_app(app, "127.0.0.1", port)


if __name__ == "__main__":
    main()
