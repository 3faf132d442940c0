"""The demo news site under ``/demo/``: an index and articles with deliberate misprints."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from corrigo.demo import DEMO_SITE_KEY
from corrigo.demo.articles import ARTICLES, BY_SLUG
from corrigo.demo.library import DemoLibrary
from corrigo.http.state import state_of

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
_ENV = Environment(
    loader=FileSystemLoader(DEMO_DIR / "templates"), autoescape=select_autoescape(["html"])
)
# The pages need nothing inline, so they are served under a strict policy: the
# widget embedded in them must work under one too (issue 3).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {"content-security-policy": CONTENT_SECURITY_POLICY}


def _when(moment: datetime, lang: str) -> str:
    """A publication time as a reader of `lang` expects it, in the article's own time zone."""
    return format_datetime(moment, "d MMMM y, HH:mm", tzinfo=moment.tzinfo, locale=lang)


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    base_url = state_of(request).settings.base_url
    values: dict[str, Any] = {
        "site_key": DEMO_SITE_KEY,
        "base_url": base_url,
        "canonical": base_url + request.url.path,
        "articles": ARTICLES,
    }
    values.update(context)
    html = _ENV.get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


async def index(request: Request) -> HTMLResponse:
    """The demo front page: every article, newest first, the first one as the lead."""
    teasers = [
        {"article": article, "published": _when(article.published, "en")}
        for article in sorted(ARTICLES, key=lambda article: article.published, reverse=True)
    ]
    return _page(request, "index.html", lang="en", current="index", teasers=teasers)


async def article(request: Request) -> HTMLResponse:
    """One demo article, or a 404 page for an unknown slug."""
    found = BY_SLUG.get(request.path_params["slug"])
    if found is None:
        return _page(request, "not-found.html", status=404, lang="en", current=None, canonical=None)
    library = DemoLibrary.in_data_dir(state_of(request).settings.data_dir)
    # The body is the demo CMS's own HTML (written by editors through the demo
    # connector, which escapes every correction), not reader input.
    body = Markup(await run_in_threadpool(library.read, found.slug))  # noqa: S704
    return _page(
        request,
        "article.html",
        body=body,
        lang=found.lang,
        current=found.slug,
        article=found,
        published=_when(found.published, found.lang),
    )


routes = [
    Route("/demo/", index),
    Mount("/demo/static", StaticFiles(directory=DEMO_DIR / "static"), name="demo-static"),
    Route("/demo/{slug:str}", article),
]
