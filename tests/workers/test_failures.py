"""Failing receivers: SMTP down then up, 500 then 200, refusals, hangs, attempts used up."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.testclient import TestClient

from corrigo.config import Settings
from tests.workers.conftest import (
    BackgroundNotifier,
    add_channel,
    deliveries,
    drain,
    send_report,
    statuses,
)
from tests.workers.receivers import HttpReceiver, SmtpSink, answers, wait_until


def test_smtp_down_then_up_delivers_every_message_exactly_once(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    smtp: SmtpSink,
    background: Callable[..., BackgroundNotifier],
) -> None:
    settings = tuned(notify_max_attempts=50)
    add_channel(settings, "email", "desk@news.example")
    smtp.stop()
    for word in ("wrod", "teh", "recieve", "seperate", "occured"):
        send_report(ingest, word)
    drain(settings)
    rows = deliveries(settings)
    assert [row.status for row in rows] == ["pending"] * 5
    assert all(row.attempts >= 1 and "Connect" in row.last_error for row in rows), [
        (row.attempts, row.last_error) for row in rows
    ]
    notifier = background(settings)
    time.sleep(0.5)  # a few more refused attempts while the server is down
    smtp.start()
    wait_until(lambda: statuses(settings) == ["sent"] * 5, 20, "all five sent")
    notifier.stop()
    messages = smtp.wait_for(5)
    assert len(messages) == 5
    assert len({message["Message-ID"] for message in messages}) == 5
    subjects = sorted(str(message["Subject"]) for message in messages)
    assert [s.split("“")[1].split("”")[0] for s in subjects] == sorted(
        ["wrod", "teh", "recieve", "seperate", "occured"]
    )
    rows = deliveries(settings)
    assert all(row.attempts >= 2 and row.last_error == "" for row in rows)


def test_receiver_answering_500_then_200_gets_the_event_again_with_the_same_id(
    notify_settings: Settings,
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
    background: Callable[..., BackgroundNotifier],
) -> None:
    hook = receivers()
    hook.respond = answers(500, 503)
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    send_report(ingest)
    background(notify_settings)
    wait_until(lambda: statuses(notify_settings) == ["sent"], 15, "the delivery sent")
    requests = hook.wait_for(3)
    time.sleep(0.3)  # nothing more arrives once it is sent
    assert len(hook.received) == 3
    assert len({request.headers["x-corrigo-event-id"] for request in requests}) == 1
    [row] = deliveries(notify_settings)
    assert row.attempts == 3 and row.sent_at is not None


def test_retry_after_from_the_receiver_is_respected(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    settings = tuned(notify_retry_max=30.0)
    hook = receivers()
    hook.respond = answers(429)
    hook.headers = {"Retry-After": "7"}
    add_channel(settings, "slack", hook.url + "/services/x")
    send_report(ingest)
    before = datetime.now(UTC)
    drain(settings)
    [row] = deliveries(settings)
    assert row.status == "pending" and row.last_error == "HTTP 429: receiver error"
    # Its own backoff would wait at most 0.05 s before this second try.
    assert 7 <= (row.next_attempt_at - before).total_seconds() < 9


def test_a_refusal_fails_at_once_and_an_editor_retry_sends_it(
    notify_settings: Settings,
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
    admin_token: str,
) -> None:
    hook = receivers()
    hook.respond = answers(404)
    add_channel(notify_settings, "slack", hook.url + "/services/gone")
    send_report(ingest, "wrod")
    drain(notify_settings)
    [row] = deliveries(notify_settings)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("HTTP 404")
    auth = {"authorization": f"Bearer {admin_token}"}
    listed = ingest.get("/api/v1/deliveries?status=failed", headers=auth).json()["items"]
    assert [item["id"] for item in listed] == [row.id]
    assert listed[0]["last_error"].startswith("HTTP 404")
    assert listed[0]["channel"] == {
        "id": row.channel_id,
        "kind": "slack",
        "target": f"{hook.url}/…",
    }
    answer = ingest.post(f"/api/v1/deliveries/{row.id}/retry", headers=auth)
    assert answer.status_code == 200 and answer.json()["status"] == "pending"
    drain(notify_settings)
    assert statuses(notify_settings) == ["sent"]
    assert len(hook.received) == 2


def test_attempts_run_out_and_the_last_error_is_kept(
    notify_settings: Settings,
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
    background: Callable[..., BackgroundNotifier],
) -> None:
    hook = receivers()
    hook.respond = answers(*[500] * 100)
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    send_report(ingest)
    background(notify_settings)
    wait_until(lambda: statuses(notify_settings) == ["failed"], 15, "the delivery failed")
    [row] = deliveries(notify_settings)
    assert row.attempts == notify_settings.notify_max_attempts == 4
    assert row.last_error == "HTTP 500: receiver error"
    time.sleep(0.3)
    assert len(hook.received) == 4


def test_a_hanging_receiver_times_out_and_never_holds_up_other_channels(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    smtp: SmtpSink,
    receivers: Callable[[], HttpReceiver],
    background: Callable[..., BackgroundNotifier],
) -> None:
    settings = tuned(
        notify_timeout=4.0,
        notify_lease=12.0,
        notify_channel_concurrency=2,
        notify_retry_base=30.0,
        notify_retry_max=60.0,
    )
    stuck, fine = receivers(), receivers()
    stuck.delay = 60
    stuck_id = add_channel(settings, "webhook", stuck.url, secret="s" * 24)
    add_channel(settings, "webhook", fine.url, secret="s" * 24)
    add_channel(settings, "email", "desk@news.example")
    for i in range(6):
        send_report(ingest, f"wrod{i}")
    background(settings)

    def others() -> list[str]:
        return [row.status for row in deliveries(settings) if row.channel_id != stuck_id]

    wait_until(lambda: others() == ["sent"] * 12, 10, "the other channels' deliveries")
    # Meanwhile the stuck receiver holds just two requests: the channel's cap.
    assert len(stuck.received) == 2
    assert len(fine.received) == 6 and len(smtp.messages) == 6

    def timed_out() -> int:
        rows = [row for row in deliveries(settings) if row.channel_id == stuck_id]
        return sum(row.last_error == "no answer within 4 s" for row in rows)

    wait_until(lambda: timed_out() == 2, 15, "the stuck sends to time out")
    stuck.stop()  # answers the requests still hanging, so the notifier stops at once


def test_the_ingest_answers_while_the_in_process_notifier_waits_on_a_hanging_receiver(
    notify_settings: Settings,
    make_client: Callable[..., TestClient],
    news_site: str,
    receivers: Callable[[], HttpReceiver],
) -> None:
    stuck = receivers()
    stuck.delay = 60
    add_channel(notify_settings, "webhook", stuck.url, secret="s" * 24)
    values = notify_settings.model_dump(exclude={"database_url", "data_dir", "workers_in_process"})
    client = make_client(**{**values, "notify_timeout": 5.0, "notify_lease": 20.0})
    send_report(client, "first")
    stuck.wait_for(1)  # the notifier inside the app is now stuck in a send
    for i in range(20):
        send_report(client, f"word{i}")
    assert len(stuck.received) <= notify_settings.notify_channel_concurrency
