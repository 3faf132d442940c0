"""Changing a site after it exists: its name, allowed origins and language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrigo.domain.origins import normalize_origin
from corrigo.store.admin import AdminError, check_lang
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
