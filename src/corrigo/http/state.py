"""What every request handler can reach: settings, database, writer, limiter, metrics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from corrigo.config import Settings
from corrigo.domain.privacy import DailyHasher
from corrigo.http.ratelimit import Limiter
from corrigo.http.single_flight import SingleFlight
from corrigo.store.sites import SiteCache
from corrigo.store.writer import ReportWriter

if TYPE_CHECKING:
    from starlette.requests import Request


class Metrics:
    """Process-local counters, exposed in Prometheus text format at ``/metrics``."""

    def __init__(self) -> None:
        self.counters: Counter[str] = Counter()

    def count(self, name: str, amount: int = 1) -> None:
        """Add to a counter."""
        self.counters[name] += amount

    def render(self, limiter: Limiter) -> str:
        """The counters, and the rate limiter's storage, as Prometheus exposition text."""
        lines = ["# TYPE corrigo_events_total counter"]
        for name, value in sorted(self.counters.items()):
            lines.append(f'corrigo_events_total{{event="{name}"}} {value}')
        fallback = int(limiter.storage == "fallback")
        lines += [
            "# HELP corrigo_rate_limit_fallback 1 while a failed shared storage is bypassed.",
            "# TYPE corrigo_rate_limit_fallback gauge",
            f"corrigo_rate_limit_fallback {fallback}",
            "# TYPE corrigo_rate_limit_storage_errors_total counter",
            f"corrigo_rate_limit_storage_errors_total {limiter.storage_errors}",
        ]
        return "\n".join(lines) + "\n"


@dataclass
class AppState:
    """Long-lived objects shared by the handlers of one server process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    writer: ReportWriter
    limiter: Limiter
    site_cache: SiteCache
    metrics: Metrics = field(default_factory=Metrics)
    # Site and origin lookups the ingest shares between requests (http/single_flight.py).
    lookups: SingleFlight = field(default_factory=SingleFlight)
    # The day's reader-address hasher, replaced at UTC midnight (see http/ingest.py).
    reader_hasher: DailyHasher | None = None


def state_of(request: Request) -> AppState:
    """The :class:`AppState` of the application serving `request`."""
    state: AppState = request.app.state.corrigo
    return state
