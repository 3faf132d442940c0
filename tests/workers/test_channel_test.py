"""`corrigo channel test ID`: one marked test message through the real sender, against real
receivers (SMTP, webhook, Slack, Telegram), with the receiver's answer or error printed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.workers.render import webhook
from tests.conftest import free_port
from tests.workers.conftest import (
    BOT_TOKEN,
    CHAT_ID,
    add_channel,
    deliveries,
    drain,
    send_report,
)
from tests.workers.receivers import Received, SmtpSink, answers, parts

SECRET = "s" * 24


@pytest.fixture
def channel_test(
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[Settings, int], Result]:
    """Run `corrigo channel test ID` with these settings (passed as the environment)."""

    def invoke(settings: Settings, channel_id: int) -> Result:
        values = {
            "DATABASE_URL": settings.resolved_database_url,
            "DATA_DIR": str(settings.data_dir),
            "SECRET_KEY": settings.secret_key or "",
            "BASE_URL": settings.base_url,
            "SMTP_HOST": settings.smtp_host or "",
            "SMTP_PORT": str(settings.smtp_port),
            "SMTP_FROM": settings.smtp_from,
            "SMTP_TIMEOUT": str(settings.smtp_timeout),
            "NOTIFY_TIMEOUT": str(settings.notify_timeout),
            "TELEGRAM_API_BASE": settings.telegram_api_base,
        }
        for name, value in values.items():
            monkeypatch.setenv(f"CORRIGO_{name}", value)
        return CliRunner().invoke(main, ["channel", "test", str(channel_id)])

    return invoke


def test_email_test_message_reaches_the_smtp_server(
    notify_settings: Settings, news_site: str, smtp: SmtpSink, channel_test: Any
) -> None:
    channel = add_channel(notify_settings, "email", "desk@news.example", name="Desk mail")
    result = channel_test(notify_settings, channel)
    assert result.exit_code == 0, result.output
    assert "Desk mail (email desk@news.example)" in result.output
    assert "the receiver answered: SMTP 250: Message accepted" in result.output
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "[Daily News] Test message from Corrigo (no misprint)"
    assert message["To"] == "desk@news.example"
    text, html = parts(message)
    assert "Test message: this channel works, there is no misprint to fix" in text
    assert "Test message" in html
    # A test is outside the queue: nothing to deliver, nothing recorded.
    assert deliveries(notify_settings) == []


def test_webhook_test_message_is_signed_and_marked(
    notify_settings: Settings, news_site: str, receivers: Any, channel_test: Any
) -> None:
    hook = receivers()
    hook.respond = lambda _request, _index: (200, b'{"received": true}')
    channel = add_channel(notify_settings, "webhook", f"{hook.url}/hooks/x", secret=SECRET)
    result = channel_test(notify_settings, channel)
    assert result.exit_code == 0, result.output
    assert 'the receiver answered: HTTP 200: {"received": true}' in result.output
    [request] = hook.wait_for(1)
    headers = request.headers
    stamp = headers[webhook.TIMESTAMP_HEADER.lower()]
    signed = headers[webhook.SIGNATURE_HEADER.lower()]
    assert webhook.verify(SECRET, stamp, request.body, signed, time.time(), 300)
    assert headers[webhook.EVENT_TYPE_HEADER.lower()] == "channel.test"
    body = request.json()
    assert body["type"] == "channel.test" and body["site"]["name"] == "Daily News"


def test_slack_and_telegram_test_messages_keep_their_secrets_out_of_the_answer(
    tuned: Callable[..., Settings], news_site: str, receivers: Any, channel_test: Any
) -> None:
    def echo_path(request: Received, _index: int) -> tuple[int, bytes]:
        # A receiver that repeats the address it was called at, secrets and all.
        return 500, f"cannot post to {request.path}".encode()

    api = receivers()
    api.respond = echo_path
    settings = tuned(telegram_api_base=api.url + "/tg")
    slack = add_channel(settings, "slack", f"{api.url}/services/T000/B000/slack-secret-part")
    telegram = add_channel(settings, "telegram", CHAT_ID, secret=BOT_TOKEN)
    for channel in (slack, telegram):
        result = channel_test(settings, channel)
        assert result.exit_code == 1, result.output
        assert "failed: HTTP 500: cannot post to " in result.output and "***" in result.output
        for secret in ("slack-secret-part", "T000/B000", BOT_TOKEN, BOT_TOKEN.split(":")[1]):
            assert secret not in result.output
    slack_request, telegram_request = api.wait_for(2)
    assert "Test message" in slack_request.json()["text"]
    assert telegram_request.path == f"/tg/bot{BOT_TOKEN}/sendMessage"
    assert "Test message" in telegram_request.json()["text"]

    api.respond = lambda _request, _index: (200, b'{"ok": true, "result": {"message_id": 7}}')
    result = channel_test(settings, telegram)
    assert result.exit_code == 0, result.output
    assert '{"ok": true, "result": {"message_id": 7}}' in result.output


def test_stored_errors_keep_the_secrets_out_too(
    tuned: Callable[..., Settings], ingest: TestClient, receivers: Any
) -> None:
    api = receivers()
    api.respond = lambda request, _index: (400, f"no such hook: {request.path}".encode())
    settings = tuned(telegram_api_base=api.url + "/tg")
    add_channel(settings, "slack", f"{api.url}/services/T000/B000/slack-secret-part")
    add_channel(settings, "telegram", CHAT_ID, secret=BOT_TOKEN)
    send_report(ingest)
    drain(settings)
    errors = [row.last_error for row in deliveries(settings)]
    assert errors == [
        "HTTP 400: no such hook: ***",
        "HTTP 400: no such hook: /tg/bot***/sendMessage",
    ]


def test_a_receiver_that_answers_500_fails_the_test(
    notify_settings: Settings, news_site: str, receivers: Any, channel_test: Any
) -> None:
    hook = receivers()
    hook.respond = answers(500)
    channel = add_channel(notify_settings, "webhook", hook.url, secret=SECRET)
    result = channel_test(notify_settings, channel)
    assert result.exit_code == 1
    assert "failed: HTTP 500: receiver error" in result.output
    assert deliveries(notify_settings) == []


def test_a_receiver_that_is_down_fails_the_test(
    notify_settings: Settings, news_site: str, smtp: SmtpSink, channel_test: Any
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/hook"
    hook = add_channel(notify_settings, "webhook", nobody, secret=SECRET)
    result = channel_test(notify_settings, hook)
    assert result.exit_code == 1
    assert "failed: ConnectError" in result.output
    smtp.stop()
    mail = add_channel(notify_settings, "email", "desk@news.example")
    result = channel_test(notify_settings, mail)
    assert result.exit_code == 1
    assert "failed: SMTPConnectError" in result.output
    result = channel_test(notify_settings.model_copy(update={"smtp_host": None}), mail)
    assert result.exit_code == 1
    assert "failed: CORRIGO_SMTP_HOST is not set" in result.output


def test_a_slow_receiver_fails_the_test_at_the_timeout(
    tuned: Callable[..., Settings], news_site: str, receivers: Any, channel_test: Any
) -> None:
    settings = tuned(notify_timeout=0.5)
    hook = receivers()
    hook.delay = 60  # released when the receiver stops, after the test
    channel = add_channel(settings, "webhook", hook.url, secret=SECRET)
    started = time.monotonic()
    result = channel_test(settings, channel)
    # Far less than the receiver's minute: the test gave up instead of hanging.
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert "failed: timed out" in result.output or "no answer within 0.5 s" in result.output
    assert len(hook.received) == 1


def test_a_receiver_answering_garbage_is_shown_safely(
    notify_settings: Settings, news_site: str, receivers: Any, channel_test: Any
) -> None:
    hook = receivers()
    garbage = b"\x1b[2J\x1b]0;owned\x07\xff\xfe" + b"x" * 5_000_000
    hook.respond = lambda _request, _index: (200, garbage)
    channel = add_channel(notify_settings, "webhook", hook.url, secret=SECRET)
    result = channel_test(notify_settings, channel)
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert "\x1b" not in line and "\x07" not in line
    assert "HTTP 200: \ufffd[2J\ufffd]0;owned\ufffd\ufffd\ufffdxxx" in line
    assert len(line) < 500


def test_an_unknown_channel_is_refused(
    notify_settings: Settings, news_site: str, channel_test: Any
) -> None:
    result = channel_test(notify_settings, 999)
    assert result.exit_code == 1 and "no channel has the id 999" in result.output
