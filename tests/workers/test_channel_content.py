"""Hostile reports through the real ingest API to every real channel: what arrives.

Each channel receives the same report full of markup; the test reads what the
real receiver got and checks that the reader's text is shown as text and that
only Corrigo's own markup and links are in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.workers.render.webhook import verify
from tests.workers.conftest import (
    BOT_TOKEN,
    CHAT_ID,
    PAGE,
    add_channel,
    deliveries,
    drain,
    send_report,
)
from tests.workers.markup import EMAIL_TAGS, SLACK_ANGLE, TELEGRAM_TAGS, Markup, slack_links
from tests.workers.receivers import HttpReceiver, SmtpSink, parts

EXACT = "<script>alert('x')</script>"
TITLE = '"><img src=x onerror=alert(1)> Budget & <b>plan</b>'
COMMENT = (
    "<!channel> <https://evil.example|Click here> *urgent*\n"
    '<a href="https://evil.example">prize</a> &amp; <i>tags</i>'
)
SUGGESTION = "<iframe src=//evil.example>"
AUTHOR = "<b>Jane</b> Roe"
HOSTILE = {
    "title": TITLE,
    "comment": COMMENT,
    "suggestion": SUGGESTION,
    "author": AUTHOR,
    "url": PAGE + "?q=%22%3E%3Cscript%3E",
}


def _report(ingest: TestClient) -> dict[str, object]:
    return send_report(ingest, EXACT, **HOSTILE)


def test_email_text_and_html_parts_show_the_payloads_as_text(
    notify_settings: Settings, ingest: TestClient, smtp: SmtpSink
) -> None:
    add_channel(notify_settings, "email", "desk@news.example")
    answer = _report(ingest)
    drain(notify_settings)
    [message] = smtp.wait_for(1)
    assert smtp.envelopes == [("corrigo@news.example", ["desk@news.example"])]
    assert message["To"] == "desk@news.example"
    assert message["Subject"] == f"[Daily News] Misprint: “{EXACT}” in {TITLE}"
    assert message["Auto-Submitted"] == "auto-generated"
    event_id = message["X-Corrigo-Event-Id"]
    assert message["Message-ID"] == f"<{event_id}@news.example>"
    text, html = parts(message)
    assert f"**{EXACT}**" in text and COMMENT.split("\n")[0] in text and SUGGESTION in text
    markup = Markup(html)
    assert markup.tags <= EMAIL_TAGS
    assert "onerror" not in markup.attributes
    for value in (EXACT, TITLE, SUGGESTION, *COMMENT.split("\n")):
        assert value in markup.text
    group = answer["group_id"]
    assert f"https://corrigo.example/dashboard/groups/{group}" in markup.hrefs
    assert all(href.startswith("https://") for href in markup.hrefs)
    assert any("#:~:text=" in href for href in markup.hrefs)
    assert [row.status for row in deliveries(notify_settings)] == ["sent"]


def test_webhook_gets_the_exact_strings_as_json_signed_with_the_channel_secret(
    notify_settings: Settings, ingest: TestClient, receivers: Callable[[], HttpReceiver]
) -> None:
    hook = receivers()
    secret = "webhook-secret-0123456789"
    add_channel(notify_settings, "webhook", hook.url + "/corrigo", secret=secret)
    answer = _report(ingest)
    drain(notify_settings)
    [request] = hook.wait_for(1)
    assert request.path == "/corrigo"
    body = request.json()
    assert body["type"] == "group.opened"
    assert request.headers["x-corrigo-event-id"] == body["id"]
    assert body["group"]["id"] == answer["group_id"]
    assert body["group"]["quote"]["exact"] == EXACT
    assert body["group"]["title"] == TITLE and body["group"]["author"] == AUTHOR
    assert body["report"] == {
        "comment": COMMENT,
        "suggestion": SUGGESTION,
        "created_at": body["report"]["created_at"],
    }
    stamp = request.headers["x-corrigo-timestamp"]
    signature = request.headers["x-corrigo-signature"]
    assert verify(secret, stamp, request.body, signature, now=int(stamp), tolerance=300)
    assert not verify("another-secret-12345", stamp, request.body, signature, int(stamp), 300)
    tampered = json.dumps({**body, "type": "group.threshold"}).encode()
    assert not verify(secret, stamp, tampered, signature, now=int(stamp), tolerance=300)


def test_slack_gets_mrkdwn_with_the_three_escapes_and_no_foreign_links(
    notify_settings: Settings, ingest: TestClient, receivers: Callable[[], HttpReceiver]
) -> None:
    hook = receivers()
    add_channel(notify_settings, "slack", hook.url + "/services/T000/B000/XXXX")
    answer = _report(ingest)
    drain(notify_settings)
    [request] = hook.wait_for(1)
    assert request.path == "/services/T000/B000/XXXX"
    payload = request.json()
    text = payload["text"]
    assert payload["unfurl_links"] is False
    targets = [target for target, _ in slack_links(text)]
    assert len(targets) == 3
    assert not any("evil.example" in target for target in targets)
    assert f"https://corrigo.example/dashboard/groups/{answer['group_id']}" in targets
    rest = SLACK_ANGLE.sub("", text)
    assert not any(
        "<" in line or ">" in line for line in (x.removeprefix("> ") for x in rest.split("\n"))
    )
    assert "&lt;!channel&gt; &lt;https://evil.example|Click here&gt;" in text
    assert "*&lt;script&gt;alert('x')&lt;/script&gt;*" in text
    assert "&amp;amp;" in text  # the reader's own "&amp;" stays visible as typed


def test_telegram_gets_html_parse_mode_with_only_allowed_tags(
    tuned: Callable[..., Settings],
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    api = receivers()
    settings = tuned(telegram_api_base=api.url + "/tg")
    add_channel(settings, "telegram", CHAT_ID, secret=BOT_TOKEN)
    _report(ingest)
    drain(settings)
    [request] = api.wait_for(1)
    assert request.path == f"/tg/bot{BOT_TOKEN}/sendMessage"
    payload = request.json()
    assert payload["chat_id"] == CHAT_ID and payload["parse_mode"] == "HTML"
    assert payload["link_preview_options"] == {"is_disabled": True}
    markup = Markup(payload["text"])
    assert markup.tags <= TELEGRAM_TAGS
    assert not any("evil.example" in href for href in markup.hrefs)
    assert len(markup.hrefs) == 3
    for value in (EXACT, SUGGESTION, *COMMENT.split("\n")):
        assert value in markup.text
    assert "<b><u>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</u></b>" in payload["text"]
