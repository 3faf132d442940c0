"""Changing a site after it exists: its name, origins, language and page-check settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrigo.domain.article import MAX_SELECTOR, valid_selector
from corrigo.domain.interval import format_interval, parse_interval
from corrigo.domain.origins import normalize_origin
from corrigo.store.admin import check_lang
from corrigo.store.errors import AdminError
from corrigo.store.models import Site


class UnknownSite(AdminError):
    """No site has that id."""


def parse_origins(text: str) -> list[str]:
    """Origins written one per line (or separated by spaces/commas), normalised and sorted."""
    entries = [entry for entry in text.replace(",", " ").split() if entry]
    try:
        return sorted({normalize_origin(entry) for entry in entries})
    except ValueError as exc:
        raise AdminError(str(exc)) from None


def update_site(session: Session, site_id: int, name: str, origins: list[str], lang: str) -> Site:
    """Rename a site, replace its allowed origins and set its language."""
    site = session.get(Site, site_id)
    if site is None:
        raise UnknownSite("no such site")
    name = name.strip()
    if not name or len(name) > 200:
        raise AdminError("a site needs a name of at most 200 characters")
    if not origins:
        raise AdminError("a site needs at least one allowed origin, e.g. https://news.example")
    site.name = name
    site.allowed_origins = sorted(origins)
    site.default_lang = check_lang(lang)
    session.flush()
    return site


def set_check_settings(session: Session, site_id: int, article: str, interval: str) -> Site:
    """Set the site's article selector and page-check interval ("" for the defaults).

    `interval` is written like CORRIGO_VERIFY_INTERVAL (``6h``, ``30m``, ``off``).
    """
    site = session.get(Site, site_id)
    if site is None:
        raise UnknownSite("no such site")
    article = article.strip()
    if article and not valid_selector(article):
        raise AdminError(
            f"{article[:80]!r} is not a CSS selector (at most {MAX_SELECTOR} characters)"
        )
    try:
        seconds = parse_interval(interval) if interval.strip() else None
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    site.article_selector = article or None
    site.verify_interval = seconds
    session.flush()
    return site


def interval_text(site: Site) -> str:
    """The site's own check interval as written in forms ("" when it follows the default)."""
    return "" if site.verify_interval is None else format_interval(site.verify_interval)
