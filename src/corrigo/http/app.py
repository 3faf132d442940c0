"""The application factory: wires settings, store and feature routes together."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from corrigo.config import Settings
from corrigo.http import api, dashboard, demo, ingest, root, widget_files
from corrigo.http.body_deadline import BodyDeadline
from corrigo.http.edge import InboundText
from corrigo.http.errors import EXCEPTION_HANDLERS
from corrigo.http.fast_lane import FastLane
from corrigo.http.headers import SecurityHeaders
from corrigo.http.ratelimit import Limiter
from corrigo.http.state import AppState, state_of
from corrigo.store.db import make_engine, make_sessionmaker, make_writer_engine, ping
from corrigo.store.sites import SiteCache
from corrigo.store.writer import ReportWriter
from corrigo.workers.runner import background_workers, server_jobs


async def health(request: Request) -> JSONResponse:
    """Liveness, database reachability and which rate-limit storage counts, for load balancers.

    A failed rate-limit storage does not fail the check: reports are still accepted
    (with per-process limits), and ``rate_limits`` says ``fallback``.
    """
    state = state_of(request)
    limits = state.limiter.storage
    try:
        await run_in_threadpool(ping, state.engine)
    except Exception:
        return JSONResponse(
            {"status": "error", "database": "unreachable", "rate_limits": limits}, status_code=503
        )
    return JSONResponse({"status": "ok", "database": "ok", "rate_limits": limits})


async def metrics(request: Request) -> PlainTextResponse:
    """Process counters in Prometheus text format."""
    state = state_of(request)
    return PlainTextResponse(state.metrics.render(state.limiter))


def build_state(settings: Settings) -> AppState:
    """Create the engine, writer, limiter and caches for one server process."""
    engine = make_engine(settings.resolved_database_url)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        writer=ReportWriter(
            make_writer_engine(settings.resolved_database_url), lambda: settings.notify_threshold
        ),
        limiter=Limiter(
            settings.rate_limit_storage,
            settings.rate_limit_storage_timeout,
            settings.rate_limit_storage_cooldown,
        ),
        site_cache=SiteCache(engine),
    )


def create_app(settings: Settings) -> Starlette:
    """The ASGI application for these settings (the schema must already be migrated)."""
    state = build_state(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        state.writer.start()
        try:
            async with server_jobs(settings, state.engine):
                if settings.workers_in_process:
                    async with background_workers(settings, state.engine):
                        yield
                else:
                    yield
        finally:
            state.writer.stop()
            state.engine.dispose()

    routes = [
        Route("/healthz", health),
        Route("/metrics", metrics),
        *ingest.routes,
        *api.routes,
        *demo.routes,
        *widget_files.routes,
        *dashboard.routes,
        *root.routes,
    ]
    app = CorrigoApp(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(InboundText), Middleware(SecurityHeaders)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.corrigo = state
    return app


class CorrigoApp(Starlette):
    """Starlette, with readers' reports dispatched before the dashboard's middleware."""

    def build_middleware_stack(self) -> ASGIApp:
        """The body deadline, then the ingest's fast lane or Starlette's own stack."""
        settings: Settings = self.state.corrigo.settings
        lane = FastLane(
            super().build_middleware_stack(), ingest.PATH, ingest.METHODS, ingest.ReportsEndpoint()
        )
        return BodyDeadline(lane, settings.body_timeout, settings.max_slow_bodies)
