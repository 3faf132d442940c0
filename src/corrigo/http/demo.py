"""The demo news site under ``/demo/``: an index and articles with deliberate misprints."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from corrigo.demo import DEMO_SITE_KEY

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
_ENV = Environment(
    loader=FileSystemLoader(DEMO_DIR / "templates"), autoescape=select_autoescape(["html"])
)
# slug → template; the index lists them in this order.
ARTICLES = {
    "bridge-reopens": "article-en.html",
    "mist-v-tumani": "article-uk.html",
}


async def index(_request: Request) -> HTMLResponse:
    """The demo front page."""
    return HTMLResponse(_ENV.get_template("index.html").render(site_key=DEMO_SITE_KEY))


async def article(request: Request) -> Response:
    """One demo article."""
    template = ARTICLES.get(request.path_params["slug"])
    if template is None:
        return HTMLResponse("Not found", status_code=404)
    return HTMLResponse(_ENV.get_template(template).render(site_key=DEMO_SITE_KEY))


routes = [
    Route("/demo/", index),
    Mount("/demo/static", StaticFiles(directory=DEMO_DIR / "static"), name="demo-static"),
    Route("/demo/{slug:str}", article),
]
