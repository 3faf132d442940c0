"""The fix webhook against a real local receiver that checks the signature."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest

from corrigo.connectors.apply import run
from corrigo.connectors.base import ConnectorError, Fix
from corrigo.connectors.webhook import WebhookConnector, idempotency_key
from corrigo.domain.quote import Quote
from corrigo.workers.render.webhook import verify
from tests.workers.receivers import HttpReceiver, Received

SECRET = "fix-webhook-secret"
FIX = Fix(
    17,
    "news",
    "https://news.example/budget",
    Quote("intergration", "they plan to implement ", " into the core system"),
    "integration",
    "olena@news.example",
)


def signed(request: Received) -> bool:
    headers = request.headers
    return verify(
        SECRET,
        headers["x-corrigo-timestamp"],
        request.body,
        headers["x-corrigo-signature"],
        time.time(),
        300,
    )


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    server = HttpReceiver().start()
    yield server
    server.stop()


def _connector(receiver: HttpReceiver, **options: object) -> WebhookConnector:
    return WebhookConnector(receiver.url + "/fix", SECRET, pause=lambda _s: None, **options)


def test_applied_with_revision(receiver: HttpReceiver) -> None:
    def respond(request: Received, _index: int) -> tuple[int, bytes]:
        if not signed(request):
            return 401, b'{"applied": false, "reason": "bad signature"}'
        return 200, b'{"applied": true, "revision": "rev-42"}'

    receiver.respond = respond
    outcome = run(_connector(receiver), FIX, preview=False, base_version=None)
    assert outcome.applied and outcome.revision == "rev-42" and outcome.connector == "webhook"
    [request] = receiver.received
    body = request.json()
    assert request.headers["x-corrigo-event"] == "fix.requested"
    assert request.headers["idempotency-key"] == body["idempotency_key"] == body["id"]
    assert body["idempotency_key"] == idempotency_key(FIX)
    assert body["group"]["quote"] == {
        "exact": "intergration",
        "prefix": "they plan to implement ",
        "suffix": " into the core system",
    }
    assert body["correction"] == "integration" and body["group"]["id"] == 17


def test_a_wrong_secret_is_refused_by_the_receiver(receiver: HttpReceiver) -> None:
    receiver.respond = lambda request, _i: (
        (200, b'{"applied": true}') if signed(request) else (401, b"bad signature")
    )
    wrong = WebhookConnector(receiver.url, "not-the-secret", pause=lambda _s: None)
    outcome = run(wrong, FIX, preview=False, base_version=None)
    assert outcome.status == "refused" and "401" in outcome.reason and len(receiver.received) == 1


def test_refusal_carries_the_receivers_reason(receiver: HttpReceiver) -> None:
    receiver.respond = lambda _r, _i: (
        200,
        json.dumps({"applied": False, "reason": "post is locked\n<b>by</b> Olena"}).encode(),
    )
    outcome = run(_connector(receiver), FIX, preview=False, base_version=None)
    assert outcome.status == "refused" and not outcome.applied
    assert outcome.reason == "The CMS did not apply it: post is locked <b>by</b> Olena"


def test_failures_are_retried_with_the_same_key(receiver: HttpReceiver) -> None:
    receiver.respond = lambda _r, index: (
        (503, b"busy") if index == 0 else (200, b'{"applied": true, "revision": "r1"}')
    )
    outcome = run(_connector(receiver), FIX, preview=False, base_version=None)
    assert outcome.applied
    first, second = receiver.received
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]
    assert first.json()["id"] == second.json()["id"]
    assert signed(second)


def test_a_receiver_that_hangs_times_out_and_is_tried_again(receiver: HttpReceiver) -> None:
    receiver.delay = 5
    outcome = run(_connector(receiver, timeout=0.3), FIX, preview=False, base_version=None)
    assert outcome.status == "refused" and "in time" in outcome.reason
    assert "after 3 attempts" in outcome.reason
    keys = {request.headers["idempotency-key"] for request in receiver.wait_for(3)}
    assert keys == {idempotency_key(FIX)}


def test_preview_sends_nothing(receiver: HttpReceiver) -> None:
    outcome = run(_connector(receiver), FIX, preview=True, base_version=None)
    assert outcome.status == "preview"
    assert "implement [-intergration-]{+integration+} into" in outcome.preview_text
    assert receiver.received == []


def test_check_pings_and_a_dead_receiver_fails() -> None:
    server = HttpReceiver().start()
    connector = WebhookConnector(server.url, SECRET, pause=lambda _s: None)
    assert "answered the ping" in connector.check()
    assert server.received[0].json()["type"] == "ping" and signed(server.received[0])
    server.stop()
    with pytest.raises(ConnectorError) as caught:
        connector.check()
    assert caught.value.why == "network"


def test_redirects_are_not_followed(receiver: HttpReceiver) -> None:
    receiver.respond = lambda _r, _i: (302, b"")
    receiver.headers = {"location": "http://169.254.169.254/"}
    outcome = run(_connector(receiver), FIX, preview=False, base_version=None)
    assert outcome.status == "refused" and "redirect" in outcome.reason
    assert len(receiver.received) == 1


def test_link_local_targets_are_refused() -> None:
    connector = WebhookConnector("http://169.254.169.254/latest", SECRET)
    with pytest.raises(ConnectorError, match="link-local"):
        connector.check()
