"""How `corrigo serve` sets up its process before uvicorn takes over."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from corrigo.cli import server


def test_the_server_freezes_what_is_loaded_and_collects_young_objects_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def run(app: object, **options: Any) -> None:
        seen.update(frozen=gc.get_freeze_count(), threshold=gc.get_threshold(), **options)

    monkeypatch.setattr(server.uvicorn, "run", run)
    before = gc.get_threshold()
    try:
        server.serve_app(object(), "127.0.0.1", 8000)  # type: ignore[arg-type]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert seen["frozen"] > 10_000  # the modules, the app and its caches
    assert seen["threshold"][0] == server.YOUNG_OBJECTS
    assert seen["access_log"] is False  # it would print readers' addresses
