"""One server process for the ingest benchmark: Corrigo itself, or the bare baseline.

Both go through `corrigo.cli.server.serve_app`, so they share the server stack
(Starlette on uvicorn with httptools and uvloop, one worker, no access log), and
both answer from a plain ASGI endpoint that reads the body and sends the answer
with the same helpers; they differ only in what happens in between. Usage:
``server.py corrigo|bare PORT``; Corrigo reads its settings from the CORRIGO_*
environment.
"""

from __future__ import annotations

import sys

import msgspec
from starlette.applications import Starlette
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


def main() -> None:
    """Serve the chosen app on 127.0.0.1:PORT until killed."""
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "bare":
        app = Starlette(routes=[Route("/api/v1/reports", BareReports(), methods=["POST"])])
    else:
        app = create_app(load_settings())
    serve_app(app, "127.0.0.1", port)


if __name__ == "__main__":
    main()
