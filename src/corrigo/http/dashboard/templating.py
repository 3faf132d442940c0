"""Rendering dashboard pages: one autoescaping Jinja2 environment, per-editor language."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from corrigo.http.dashboard.i18n import LANGUAGES, supported, translations

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_PREFIX = "/dashboard/static/"

# Autoescape everything: every string a reader sent ends up in these templates.
ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@lru_cache(maxsize=64)
def static_url(name: str) -> str:
    """The address of a static file with a content hash, so browsers never use a stale copy."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PREFIX}{name}?v={digest}"


def _when(value: datetime | None, lang: str, form: str = "medium") -> str:
    """A timestamp in the editor's language, in UTC (said, so nobody takes it for local time)."""
    if value is None:
        return ""
    return format_datetime(value, form, tzinfo=value.tzinfo, locale=lang) + " UTC"


def request_lang(request: Request) -> str:
    """The language of the page: the signed-in editor's, else the browser's first choice."""
    ctx = getattr(request.state, "editor_context", None)
    if ctx is not None:
        return supported(ctx.editor.lang)
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip()
        if tag and supported(tag) == tag.lower().split("-", 1)[0]:
            return supported(tag)
    return supported(None)


def gettext_for(request: Request) -> Callable[[str], str]:
    """The gettext function for the page's language (for messages made in Python)."""
    return translations(request_lang(request)).gettext


def render(
    request: Request, template_name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a dashboard template for this request.

    Adds what every page needs: ``ctx`` (the EditorContext or None), ``csrf_token``,
    ``_``/``ngettext`` in the editor's language, ``lang``, ``when`` (timestamps),
    ``static_url`` and ``path`` (the current path, to mark the active nav link).
    """
    ctx = getattr(request.state, "editor_context", None)
    lang = request_lang(request)
    catalogue = translations(lang)
    values: dict[str, Any] = {
        "ctx": ctx,
        "csrf_token": ctx.csrf_token if ctx is not None else "",
        "_": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "lang": lang,
        "languages": LANGUAGES,
        "when": partial(_when, lang=lang),
        "static_url": static_url,
        "path": request.url.path,
    }
    values.update(context)
    html = ENV.get_template(template_name).render(values)
    return HTMLResponse(html, status_code=status_code, headers={"cache-control": "no-store"})
