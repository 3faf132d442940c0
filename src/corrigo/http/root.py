"""The server's own root: `/` leads to the dashboard, `/favicon.ico` is the dashboard's icon."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from corrigo.http.dashboard.templating import STATIC

ICON = (STATIC / "favicon.svg").read_bytes()


async def home(_request: Request) -> Response:
    """Whoever opens the server's address is an editor looking for the dashboard."""
    return RedirectResponse("/dashboard/", status_code=302)


async def favicon(_request: Request) -> Response:
    """The icon browsers ask for on their own (the pages also name it with <link rel=icon>)."""
    return Response(
        ICON, media_type="image/svg+xml", headers={"cache-control": "public, max-age=86400"}
    )


routes = [
    Route("/", home, methods=["GET", "HEAD"]),
    Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
]
