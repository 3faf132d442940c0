"""The demo shows its notifications out of the box: its mailbox channel keeps the e-mails the
notifier renders, and the dashboard lists them in demo mode only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.demo import DEMO_EDITOR, DEMO_MAILBOX_PATH, DEMO_SITE_KEY
from corrigo.demo.articles import BY_SLUG
from corrigo.domain.article import article_texts
from corrigo.store.admin import create_editor, create_site
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.demo_mailbox import ensure_demo_channel, keep_message, mailbox
from corrigo.store.errors import AdminError
from tests.cli.test_first_run import _password, demo  # noqa: F401 - the `corrigo demo` fixture
from tests.conftest import free_port
from tests.dashboard.helpers import sign_in
from tests.workers.receivers import wait_until

HOSTILE = '<img src=x onerror="alert(1)"> & </pre><script>alert(2)</script>'


def _report(client: TestClient, base: str, text: str, exact: str) -> None:
    start = text.index(exact)
    end = start + len(exact)
    answer = client.post(
        "/api/v1/reports",
        json={
            "site": DEMO_SITE_KEY,
            "url": f"{base}/demo/bridge-reopens",
            "title": BY_SLUG["bridge-reopens"].title,
            "client_id": uuid.uuid4().hex,
            "quote": {
                "exact": exact,
                "prefix": text[start - 32 : start],
                "suffix": text[end : end + 32],
            },
            "position": {"start": start, "end": end},
            "comment": HOSTILE,
            "suggestion": "integration",
        },
        headers={"origin": base},
    )
    assert answer.status_code == 202, answer.text


def test_the_demo_mailbox_lists_what_the_notifier_sent(
    demo: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CORRIGO_NOTIFY_THRESHOLD", raising=False)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = demo("--port", str(port))
    assert started.exit_code == 0, started.output
    assert f"{base}{DEMO_MAILBOX_PATH}" in started.output
    # The app `corrigo demo` would serve, with its workers running in-process.
    with TestClient(started.app, base_url=base) as client:
        sign_in(client, DEMO_EDITOR, _password(started.output))
        assert f'href="{DEMO_MAILBOX_PATH}"' in client.get("/dashboard/").text
        assert "No messages yet." in client.get(DEMO_MAILBOX_PATH).text
        text = article_texts(client.get("/demo/bridge-reopens").text)[0]
        # The first reader opens the misprint; the fifth crosses the notify threshold.
        for _reader in range(5):
            _report(client, base, text, "intergration")

        def page() -> str:
            return client.get(DEMO_MAILBOX_PATH).text

        def both_sent() -> bool:
            shown = page()
            return "5 readers report" in shown and "Misprint: " in shown

        wait_until(both_sent, 60, "the opening and the threshold's messages")
        shown = page()
        subjects = re.findall(r"<h2>([^<]*)</h2>", shown)
        # Either may be delivered first (the opening notice waits for a proposed
        # correction, the threshold's may not have to): the mailbox lists newest first.
        assert sorted(subjects) == [
            "[Corrigo Demo News] 5 readers report “intergration” in "
            "Old Town bridge reopens after two years of repairs",
            "[Corrigo Demo News] Misprint: “intergration” in "
            "Old Town bridge reopens after two years of repairs",
        ]
        assert shown.count(f"<dd>{DEMO_EDITOR}</dd>") == 2
        assert shown.count("<time datetime=") == 2
        # The body is the e-mail's text part, with the reader's words escaped.
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &lt;/pre&gt;" in shown
        assert "<script>alert(2)" not in shown and "<img src=x" not in shown
        assert f"{base}/dashboard/groups/" in shown

        # A test message to the demo's channel lands in the same mailbox.
        channels = client.get("/dashboard/admin/channels").text
        channel = re.search(r'action="/dashboard/admin/channels/(\d+)/test"', channels)
        assert channel and "Demo mailbox" in channels
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', channels)
        assert csrf
        tested = client.post(
            f"/dashboard/admin/channels/{channel.group(1)}/test",
            data={"csrf_token": csrf.group(1)},
        ).text
        assert "kept in the demo mailbox as message 3" in tested
        assert "[Corrigo Demo News] Test message from Corrigo (no misprint)" in page()


def test_no_mailbox_outside_the_demo(
    settings: Settings, make_client: Callable[..., TestClient]
) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_editor(session, "chief@news.example", "a-long-password-1", role="admin")
        session.commit()
    engine.dispose()
    client = make_client(workers_in_process=False)
    assert client.get(DEMO_MAILBOX_PATH, follow_redirects=False).status_code == 404
    sign_in(client, "chief@news.example", "a-long-password-1")
    assert client.get(DEMO_MAILBOX_PATH).status_code == 404
    assert DEMO_MAILBOX_PATH not in client.get("/dashboard/").text
    # Nobody can make a mailbox channel: it is the demo's own kind.
    assert '<option value="demo"' not in client.get("/dashboard/admin/channels").text


def test_the_mailbox_kind_is_the_demos_alone_and_keeps_the_newest(settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site = create_site(session, "Daily News", ["https://news.example"], "en", public_key="n")
        with pytest.raises(AdminError, match="a channel kind is one of"):
            create_channel(session, "n", "demo", "desk@news.example")
        channel = ensure_demo_channel(session, site.id, "desk@news.example")
        assert ensure_demo_channel(session, site.id, "desk@news.example").id == channel.id
        session.commit()
        channel_id = channel.id
    now = datetime.now(UTC)
    with engine.begin() as conn:
        for number in range(5):
            keep_message(conn, channel_id, "desk@news.example", b"%d" % number, now, keep=3)
    with make_sessionmaker(engine)() as session:
        kept = [entry.message for entry in mailbox(session, None)]
        assert kept == [b"4", b"3", b"2"]
        assert mailbox(session, [site.id + 1]) == []
    engine.dispose()
