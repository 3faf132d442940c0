"""Every site lookup and listing, and the short-lived cache of sites for the ingest path."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from corrigo.store.errors import AdminError, NotVisible
from corrigo.store.models import Site

CACHE_SECONDS = 15.0
CACHE_SIZE = 10_000


def find_site(session: Session, key: str) -> Site | None:
    """The site with this public key, or None."""
    return session.execute(select(Site).where(Site.public_key == key)).scalar()


def site_by_key(session: Session, key: str) -> Site:
    """The site with this public key; raises AdminError if there is none."""
    site = find_site(session, key)
    if site is None:
        raise AdminError(f"no site has the key {key!r}")
    return site


def site_by_id(session: Session, site_id: int) -> Site | None:
    """The site with this id, or None."""
    return session.get(Site, site_id)


def visible_site_id(session: Session, site_ids: Sequence[int] | None, key: str) -> int:
    """The id of a site the editor may see (`site_ids` None: every site); NotVisible otherwise."""
    site = find_site(session, key)
    if site is None or (site_ids is not None and site.id not in site_ids):
        raise NotVisible(key)
    return site.id


def sites_of(
    session: Session, site_ids: Sequence[int] | None, *, by_id: bool = False
) -> list[Site]:
    """The sites an editor may see (`site_ids` None: every site), by name or by id."""
    order = (Site.id,) if by_id else (Site.name, Site.id)
    query = select(Site).order_by(*order)
    if site_ids is not None:
        query = query.where(Site.id.in_(list(site_ids)))
    return list(session.execute(query).scalars())


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the ingest needs to know about a site."""

    id: int
    public_key: str
    name: str
    allowed_origins: tuple[str, ...]
    default_lang: str


class SiteCache:
    """Public key → site, refreshed every few seconds; unknown keys are cached too.

    The size is bounded so a flood of random keys cannot grow memory.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._entries: OrderedDict[str, tuple[float, SiteInfo | None]] = OrderedDict()
        self._origins: tuple[float, frozenset[str]] = (0.0, frozenset())

    def get(self, key: str) -> SiteInfo | None:
        """The site with this public key, or None."""
        now = time.monotonic()
        cached = self._entries.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self._engine.connect() as conn:
            row = conn.execute(select(Site).where(Site.public_key == key)).first()
        info = None
        if row is not None:
            info = SiteInfo(
                row.id, row.public_key, row.name, tuple(row.allowed_origins or ()), row.default_lang
            )
        self._entries[key] = (now + CACHE_SECONDS, info)
        self._entries.move_to_end(key)
        while len(self._entries) > CACHE_SIZE:
            self._entries.popitem(last=False)
        return info

    def peek(self, key: str) -> tuple[bool, bool, SiteInfo | None]:
        """(known, fresh, site) from the cache alone, without touching the database.

        A known entry past its time is still returned (not fresh): the ingest answers
        from it while one lookup refreshes it.
        """
        cached = self._entries.get(key)
        if cached is None:
            return False, False, None
        return True, cached[0] > time.monotonic(), cached[1]

    def known_origins(self) -> tuple[bool, frozenset[str]]:
        """(fresh, every origin any site allows) from the cache alone."""
        expires, origins = self._origins
        return expires > time.monotonic(), origins

    def all_origins(self) -> frozenset[str]:
        """Every origin any site allows (for CORS preflights, which carry no site key)."""
        now = time.monotonic()
        if self._origins[0] > now:
            return self._origins[1]
        with self._engine.connect() as conn:
            rows = conn.execute(select(Site.allowed_origins)).scalars().all()
        origins = frozenset(o for row in rows for o in (row or ()))
        self._origins = (now + CACHE_SECONDS, origins)
        return origins

    def clear(self) -> None:
        """Forget everything (after a site changes in this process)."""
        self._entries.clear()
        self._origins = (0.0, frozenset())


def same_named_site(session: Session, name: str, origins: list[str]) -> Site | None:
    """A site called `name` (ignoring case and spacing) that allows one of `origins`."""
    folded = " ".join(name.split()).casefold()
    for site in session.execute(select(Site).order_by(Site.id)).scalars():
        if " ".join(site.name.split()).casefold() == folded and set(origins) & set(
            site.allowed_origins
        ):
            return site
    return None
