"""Channels an editor can trust: names, site names, Slack URLs, the SMTP warning, and what
is still waiting to be delivered."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import update
from starlette.testclient import TestClient

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Delivery
from tests.dashboard.helpers import Newsroom, failed_delivery, sign_in
from tests.workers.receivers import HttpReceiver


def _add(client: TestClient, csrf: str, **fields: str) -> str:
    answer = client.post("/dashboard/admin/channels", data={"csrf_token": csrf, **fields})
    return answer.text


def test_channels_have_names_and_show_the_sites_name(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    for name in ("Politics desk", "Sports desk"):
        _add(
            client,
            csrf,
            site="news",
            kind="webhook",
            name=name,
            target=f"https://hooks.example/{name.split()[0]}",
            secret="x" * 20,
        )
    page = client.get("/dashboard/admin/channels").text
    rows = re.findall(r"<tr>\s*<td>([^<]*)</td>\s*<td data-label=\"Site\">([^<]*)</td>", page)
    assert rows == [("Politics desk", "Daily News"), ("Sports desk", "Daily News")]
    assert "<code>news</code>" not in page  # the site's name, not its key
    # Slack takes only Slack's incoming-webhook URLs.
    refused = _add(
        client, csrf, site="news", kind="slack", target="https://evil.example/services/a/b/c"
    )
    assert "not a Slack incoming-webhook URL" in refused


def test_email_without_smtp_is_warned_about(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    assert 'id="no-smtp"' not in client.get("/dashboard/admin/channels").text
    _add(client, csrf, site="news", kind="email", target="desk@news.example")
    warned = client.get("/dashboard/admin/channels").text
    assert 'id="no-smtp"' in warned and "CORRIGO_SMTP_HOST is not set" in warned
    with_smtp = app_client(smtp_host="127.0.0.1")
    sign_in(with_smtp, newsroom.admin)
    assert 'id="no-smtp"' not in with_smtp.get("/dashboard/admin/channels").text


def test_corrigo_check_warns_about_email_without_smtp(
    newsroom: Newsroom, settings: Settings, monkeypatch
) -> None:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", settings.secret_key or "")
    monkeypatch.delenv("CORRIGO_SMTP_HOST", raising=False)
    runner = CliRunner()
    assert "warning" not in runner.invoke(main, ["check"]).output
    runner.invoke(main, ["channel", "add", "news", "--email", "desk@news.example"])
    warned = runner.invoke(main, ["check"]).output
    assert "warning: e-mail channels exist but CORRIGO_SMTP_HOST is not set" in warned
    monkeypatch.setenv("CORRIGO_SMTP_HOST", "mail.news.example")
    assert "warning" not in runner.invoke(main, ["check"]).output


def test_deliveries_lists_what_is_waiting_or_retrying(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    group = newsroom.groups["news"][0]
    _channel, retrying = failed_delivery(
        settings, "news", group, "desk@news.example", "SMTP: connection refused"
    )
    _channel, failed = failed_delivery(settings, "news", group, "chief@news.example", "550 no")
    soon = datetime.now(UTC) + timedelta(minutes=4)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == retrying)
            .values(status="pending", attempts=3, next_attempt_at=soon)
        )
        session.commit()
    engine.dispose()
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    page = client.get("/dashboard/deliveries").text
    waiting = page[page.index('id="waiting"') : page.index('id="failed"')]
    assert "desk@news.example" in waiting and "chief@news.example" not in waiting
    assert "SMTP: connection refused" in waiting
    assert f'<time datetime="{soon.isoformat()}"' in waiting
    assert "chief@news.example" in page[page.index('id="failed"') :]
    assert f"/dashboard/deliveries/{failed}/retry" in page
    assert f"/dashboard/deliveries/{retrying}/retry" not in page
    # Another site's editor sees none of it.
    other = app_client()
    sign_in(other, newsroom.editors["sport"])
    assert "desk@news.example" not in other.get("/dashboard/deliveries").text


def _channel(settings: Settings, target: str) -> int:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        channel_id = create_channel(session, "news", "webhook", target, secret="s" * 24).id
        session.commit()
    engine.dispose()
    return channel_id


def _test_result(page: str) -> str:
    found = re.search(r'<div id="test-result" class="(\w+)"[^>]*>(.*?)</div>', page, re.S)
    assert found, page
    return found.group(1) + ": " + " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def test_admin_sends_a_test_message_and_sees_the_answer(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    hook = HttpReceiver().start()
    try:
        client = app_client(notify_timeout=0.5)
        csrf = sign_in(client, newsroom.admin)
        channel = _channel(settings, f"{hook.url}/hooks/secret-path")
        assert (
            f"/dashboard/admin/channels/{channel}/test"
            in client.get("/dashboard/admin/channels").text
        )

        def test() -> str:
            answer = client.post(
                f"/dashboard/admin/channels/{channel}/test", data={"csrf_token": csrf}
            )
            assert answer.status_code == 200
            return _test_result(answer.text)

        sent = test()
        assert sent.startswith("flash: Test message to webhook http://127.0.0.1:")
        assert sent.endswith("sent. The receiver answered: HTTP 200: {&#34;ok&#34;: true}")
        assert hook.wait_for(1)[0].json()["type"] == "channel.test"
        hook.respond = lambda _request, _index: (500, b"receiver error")
        assert test().endswith("failed: HTTP 500: receiver error")
        hook.respond = lambda _request, _index: (200, b"<script>alert(1)</script>")
        assert "HTTP 200: &lt;script&gt;alert(1)&lt;/script&gt;" in test()
        hook.delay = 60  # a receiver that hangs: the page answers anyway
        slow = test()
        assert "failed: timed out" in slow or "no answer within 0.5 s" in slow
        hook.stop()
        assert "failed: ConnectError" in test()
        assert "secret-path" not in client.get("/dashboard/admin/channels").text
    finally:
        hook.stop()


def test_only_admins_send_test_messages_with_a_csrf_token(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    hook = HttpReceiver().start()
    try:
        channel = _channel(settings, hook.url)
        url = f"/dashboard/admin/channels/{channel}/test"
        editor = app_client()
        csrf = sign_in(editor, newsroom.editors["news"])
        assert editor.post(url, data={"csrf_token": csrf}).status_code == 404
        admin = app_client()
        admin_csrf = sign_in(admin, newsroom.admin)
        assert admin.post(url, data={}).status_code == 403
        assert admin.post(url, data={"csrf_token": "wrong"}).status_code == 403
        signed_out = app_client()
        assert signed_out.post(url, follow_redirects=False).status_code == 303
        assert hook.received == []
        missing = "/dashboard/admin/channels/99999/test"
        assert admin.post(missing, data={"csrf_token": admin_csrf}).status_code == 404
        assert admin.get(url).status_code == 405
    finally:
        hook.stop()
