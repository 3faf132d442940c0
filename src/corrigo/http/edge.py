"""The edge where request text enters: U+0000 is removed from the path and query string.

JSON bodies get the same rule in :mod:`corrigo.domain.json_body` and form fields in
:mod:`corrigo.http.dashboard.forms`; header values cannot hold NUL (the HTTP
parser refuses them). Handlers therefore never see a NUL, whatever the database.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from corrigo.domain.text import NUL, without_nul


def query_without_nul(query: bytes) -> bytes:
    """`query` re-encoded with every NUL removed from names and values.

    It is parsed exactly as Starlette parses it (UTF-8, undecodable bytes replaced),
    so handlers read the same parameters as before, less the NULs.
    """
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode([(without_nul(name), without_nul(value)) for name, value in pairs]).encode()


class InboundText:
    """ASGI middleware applying the NUL rule to the request's path and query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query: bytes = scope.get("query_string", b"")
            path: str = scope["path"]
            if b"%00" in query or b"\x00" in query or NUL in path:
                query, path = query_without_nul(query), without_nul(path)
                scope = {**scope, "query_string": query, "path": path}
        await self.app(scope, receive, send)
