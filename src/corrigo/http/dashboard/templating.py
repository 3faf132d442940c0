"""Rendering dashboard pages: one autoescaping Jinja2 environment, per-editor language."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_timedelta
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from corrigo.domain.quote import shown_context
from corrigo.http.dashboard.i18n import LANGUAGES, supported, translations
from corrigo.http.state import state_of

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
ENV.globals["shown_context"] = shown_context


@lru_cache(maxsize=64)
def static_url(name: str) -> str:
    """The address of a static file with a content hash, so browsers never use a stale copy."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    return f"{STATIC_PREFIX}{name}?v={digest}"


def editor_zone(name: str) -> ZoneInfo:
    """The editor's time zone by IANA name; UTC when unset or unknown."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _when(value: datetime | None, lang: str, zone: ZoneInfo, form: str = "medium") -> str:
    """A timestamp in the editor's language and time zone, the zone named after it."""
    if value is None:
        return ""
    return f"{format_datetime(value, form, tzinfo=zone, locale=lang)} ({zone.key})"


def _language_name(code: str, lang: str) -> str:
    """A report's language by name in the editor's language ("uk" → "Ukrainian")."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(lang)
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name or code


def _ago(value: datetime | None, lang: str, now: datetime) -> str:
    """How long ago, in words ("3 minutes ago"); a moment in the future counts as now."""
    if value is None:
        return ""
    return format_timedelta(
        min(value - now, timedelta(0)), add_direction=True, format="short", locale=lang
    )


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
    ``_``/``ngettext`` in the editor's language, ``lang``, ``when`` (timestamps in the
    editor's time zone), ``ago`` (relative to now), ``zone_unset`` (ask the browser),
    ``static_url``, ``path`` (the current path, to mark the active nav link) and
    ``demo_mode`` (served by `corrigo demo`: the nav links the demo's mailbox).
    """
    ctx = getattr(request.state, "editor_context", None)
    lang = request_lang(request)
    catalogue = translations(lang)
    zone = editor_zone(ctx.editor.timezone if ctx is not None else "")
    values: dict[str, Any] = {
        "ctx": ctx,
        "csrf_token": ctx.csrf_token if ctx is not None else "",
        "_": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "lang": lang,
        "languages": LANGUAGES,
        "when": partial(_when, lang=lang, zone=zone),
        "language_name": partial(_language_name, lang=lang),
        "ago": partial(_ago, lang=lang, now=datetime.now(UTC)),
        "zone_unset": ctx is not None and not ctx.editor.timezone,
        "static_url": static_url,
        "path": request.url.path,
        "demo_mode": state_of(request).settings.demo_mode,
    }
    values.update(context)
    html = ENV.get_template(template_name).render(values)
    return HTMLResponse(html, status_code=status_code, headers={"cache-control": "no-store"})
