"""Fixtures for dashboard and editors' API tests (both databases)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from tests.dashboard.helpers import Newsroom, ingest, setup_newsroom


@pytest.fixture
def app_client(make_client: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """Clients of fresh apps on the test database (own cookies each, no background workers)."""

    def build(**overrides: object) -> TestClient:
        return make_client(workers_in_process=False, **overrides)

    return build


@pytest.fixture
def newsroom(settings: Settings, app_client: Callable[..., TestClient]) -> Newsroom:
    """Two sites with an editor each, an admin, and a few reported misprints per site."""
    room = setup_newsroom(settings)
    reader = app_client()
    for exact in ("intergration", "the the", "counsil"):
        room.groups["news"].append(ingest(reader, "news", exact))
    for exact in ("intergration", "counsil"):
        room.groups["sport"].append(ingest(reader, "sport", exact))
    return room
