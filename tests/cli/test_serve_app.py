"""How `corrigo serve` sets up its process once the application has started."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
import uvicorn

from corrigo.cli import server


def test_once_started_the_server_freezes_what_it_holds_and_collects_less_often() -> None:
    started: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()  # the lifespan's startup
        started.append(message["type"])
        await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})

    seen: list[tuple[int, tuple[int, int, int]]] = []

    class Probe(server._Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            seen.append((gc.get_freeze_count(), gc.get_threshold()))
            self.should_exit = True

    before = gc.get_threshold()
    try:
        asyncio.run(Probe(uvicorn.Config(app, port=0, log_level="warning")).serve())
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    [(frozen, threshold)] = seen
    assert started == ["lifespan.startup"]  # frozen after the application's startup
    assert frozen > 10_000  # the modules, the app and what its startup made
    assert threshold[0] == server.YOUNG_OBJECTS


def test_a_server_that_cannot_start_exits_with_uvicorns_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server._Server, "run", lambda self: None)  # never started
    with pytest.raises(SystemExit) as exited:
        server.serve_app(object(), "127.0.0.1", 8000)  # type: ignore[arg-type]
    assert exited.value.code == server.STARTUP_FAILURE
