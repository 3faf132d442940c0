"""Looking up sites by public key, with a short-lived cache for the ingest path."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import Engine, select

from corrigo.store.models import Site

CACHE_SECONDS = 15.0
CACHE_SIZE = 10_000


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

    def peek(self, key: str) -> tuple[bool, SiteInfo | None]:
        """(fresh, site) from the cache alone, without touching the database."""
        cached = self._entries.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return True, cached[1]
        return False, None

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
