"""A notification waits for its group's proposal (never longer than `proposal_wait`) and
carries it to the channel."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.workers.proposer import Proposer
from tests.workers.conftest import add_channel, deliveries, drain, send_report
from tests.workers.receivers import HttpReceiver


def _propose(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    try:
        Proposer(engine).drain()
    finally:
        engine.dispose()


def test_the_webhook_waits_for_the_proposal_and_carries_it(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    settings = tuned(proposal_wait=60.0)
    receiver = receivers()
    add_channel(settings, "webhook", receiver.url, secret="s" * 32)
    send_report(ingest, "intergration")
    drain(settings)
    assert deliveries(settings) == []  # waiting for the proposal
    _propose(settings)
    drain(settings)
    [request] = receiver.wait_for(1)
    body: dict[str, Any] = request.json()
    assert body["proposal"] == {"text": "integration", "source": "dictionary", "readers": 0}


def test_a_notification_goes_without_a_proposal_after_the_wait(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    settings = tuned(proposal_wait=60.0)
    receiver = receivers()
    add_channel(settings, "webhook", receiver.url, secret="s" * 32)
    send_report(ingest, "intergration")
    later = datetime.now(UTC) + timedelta(seconds=61)
    drain(settings, clock=lambda: later)
    [request] = receiver.wait_for(1)
    assert request.json()["proposal"] is None
