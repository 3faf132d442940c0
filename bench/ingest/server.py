"""One server process for the ingest benchmark: Corrigo itself, or the bare baseline.

Both go through `corrigo.cli.server.serve_app`, so they share the server stack
(Starlette on uvicorn with httptools and uvloop, one worker, no access log) and
differ only in what the handler does. Usage: ``server.py corrigo|bare PORT``;
Corrigo reads its settings from the CORRIGO_* environment.
"""

from __future__ import annotations

import sys

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.cli.server import serve_app
from corrigo.config import load_settings
from corrigo.domain.report import Accepted, decode
from corrigo.http.app import create_app

_ANSWER = msgspec.json.encode(Accepted(report_id=1, group_id=1, duplicate=False))


async def bare_report(request: Request) -> Response:
    """The baseline: read and parse the same JSON body as the ingest, answer 202."""
    decode(await request.body())
    return Response(_ANSWER, status_code=202, media_type="application/json")


def main() -> None:
    """Serve the chosen app on 127.0.0.1:PORT until killed."""
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "bare":
        app = Starlette(routes=[Route("/api/v1/reports", bare_report, methods=["POST"])])
    else:
        app = create_app(load_settings())
    serve_app(app, "127.0.0.1", port)


if __name__ == "__main__":
    main()
