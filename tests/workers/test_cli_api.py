"""`corrigo channel …`, the deliveries API and its access rules, the in-process notifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.admin import create_editor, create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.tokens import create_token
from tests.cli.test_cli import run  # noqa: F401 - the CLI runner fixture, shared
from tests.conftest import LiveServer
from tests.workers.conftest import BOT_TOKEN, add_channel, deliveries, drain, send_report
from tests.workers.receivers import HttpReceiver, answers, wait_until

HOOK = "https://hooks.example/services/T000/B000/very-secret-part"


def test_channels_have_names_and_slack_takes_only_slack_hooks(
    run: Callable[..., Any],  # noqa: F811
    news_site: str,
) -> None:
    sports = "https://hooks.example/sports/secret-one"
    culture = "https://hooks.example/culture/secret-two"
    for name, url in (("Sports desk webhook", sports), ("Culture desk webhook", culture)):
        added = run("channel", "add", news_site, "--webhook", url, "--name", name)
        assert added.exit_code == 0, added.output
        assert f"added: {name} (webhook https://hooks.example/…)" in added.output
    listing = run("channel", "list").output.strip().split("\n")
    # Two webhooks on one host are told apart by their names.
    assert [line.split("\t")[2] for line in listing] == [
        "Sports desk webhook (webhook https://hooks.example/…)",
        "Culture desk webhook (webhook https://hooks.example/…)",
    ]
    for bad in (
        "http://hooks.slack.com/services/T0/B0/x",
        "https://hooks.slack.com.evil.example/services/T0/B0/x",
        "https://hooks.slack.com/other/T0/B0/x",
        "https://example.com/services/T0/B0/x",
        "https://hooks.slack.com/services/",
    ):
        refused = run("channel", "add", news_site, "--slack", bad)
        assert refused.exit_code == 1 and "not a Slack incoming-webhook URL" in refused.output
    good = "https://hooks.slack.com/services/T000/B000/XXXX"
    assert run("channel", "add", news_site, "--slack", good, "--name", "Desk").exit_code == 0
    for bad in ("123456:ABC-not-a-chat", "https://t.me/x", "@ab", "12 34"):
        refused = run("channel", "add", news_site, "--telegram", bad, "--bot-token", BOT_TOKEN)
        assert refused.exit_code == 1 and "is not a Telegram chat id" in refused.output


def test_channel_add_list_remove(run: Callable[..., Any], news_site: str) -> None:  # noqa: F811
    added = run(
        "channel",
        "add",
        news_site,
        "--email",
        "desk@news.example",
        "--digest",
        "08:30",
        "--timezone",
        "Europe/Kyiv",
        "--url-prefix",
        "/sport/",
        "--author",
        "Jane  Roe",
    )
    assert added.exit_code == 0, added.output
    assert added.output.strip() == (
        "channel 1 added: email desk@news.example, digest 08:30 Europe/Kyiv, "
        "url-prefix=/sport/ author=Jane Roe"
    )
    hook = run("channel", "add", news_site, "--webhook", HOOK)
    assert hook.exit_code == 0, hook.output
    secret = hook.output.split("signing secret (shown once): ")[1].strip()
    assert len(secret) >= 32
    chosen = run("channel", "add", news_site, "--webhook", HOOK, "--secret", "my-own-secret-123")
    assert "signing secret" not in chosen.output
    telegram = run("channel", "add", news_site, "--telegram", "-100123", "--bot-token", BOT_TOKEN)
    assert telegram.exit_code == 0, telegram.output
    listing = run("channel", "list", news_site).output
    lines = listing.strip().split("\n")
    assert len(lines) == 4
    assert lines[1].split("\t") == [
        "2",
        "Daily News",  # the site's name, not its key
        "webhook https://hooks.example/…",
        "immediate",
        "default",
    ]
    assert secret not in listing and "very-secret-part" not in listing and BOT_TOKEN not in listing
    assert run("channel", "remove", "2").output.strip() == "channel 2 removed"
    assert len(run("channel", "list").output.strip().split("\n")) == 3
    gone = run("channel", "remove", "2")
    assert gone.exit_code != 0 and "no channel has the id 2" in gone.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "exactly one of"),
        (["--email", "a@news.example", "--slack", HOOK], "exactly one of"),
        (["--email", "a@news.example", "--secret", "x" * 20], "--secret goes with --webhook"),
        (["--slack", HOOK, "--bot-token", BOT_TOKEN], "--bot-token goes with --telegram"),
        (["--telegram", "-100123"], "needs a bot token"),
        (["--telegram", "my chat", "--bot-token", BOT_TOKEN], "not a Telegram chat id"),
        (["--telegram", "-100123", "--bot-token", "nope"], "needs a bot token"),
        (["--email", "not-an-address"], "not an e-mail address"),
        (["--email", "a@news.example\nBcc: x@evil.example"], "not an e-mail address"),
        (["--webhook", "ftp://hooks.example/x"], "not an http(s) URL"),
        (["--webhook", HOOK, "--secret", "short"], "at least 16 characters"),
        (["--email", "a@news.example", "--digest", "25:00"], "not a time of day"),
        (
            ["--email", "a@news.example", "--digest", "08:00", "--timezone", "Mars/Base"],
            "not a time zone",
        ),
        (["--email", "a@news.example", "--url-prefix", "news.example/sport"], "neither"),
    ],
)
def test_channel_add_refuses_bad_values_with_the_reason(
    run: Callable[..., Any],  # noqa: F811
    news_site: str,
    args: list[str],
    message: str,
) -> None:
    result = run("channel", "add", news_site, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert run("channel", "list").output == ""


def test_channel_add_to_an_unknown_site(run: Callable[..., Any]) -> None:  # noqa: F811
    result = run("channel", "add", "missing", "--email", "a@news.example")
    assert result.exit_code != 0 and "no site has the key 'missing'" in result.output


def _editor_token(settings: Settings, site_key: str) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        editor = create_editor(
            session, f"{site_key}@example.org", "a long password 123", site_keys=[site_key]
        )
        token = create_token(session, "editor", editor.id)
        session.commit()
    engine.dispose()
    return token


def test_deliveries_api_needs_a_token_and_shows_editors_only_their_sites(
    notify_settings: Settings,
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
    admin_token: str,
) -> None:
    hook = receivers()
    hook.respond = answers(410, 410)
    add_channel(notify_settings, "slack", hook.url + "/services/x")
    send_report(ingest, "wrod")
    send_report(ingest, "teh")
    drain(notify_settings)
    failed, other = (row.id for row in deliveries(notify_settings))
    engine = make_engine(notify_settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Other", ["https://other.example"], public_key="other-site")
        session.commit()
    engine.dispose()
    stranger = {"authorization": f"Bearer {_editor_token(notify_settings, 'other-site')}"}
    member = {"authorization": f"Bearer {_editor_token(notify_settings, 'news-site-key')}"}
    admin = {"authorization": f"Bearer {admin_token}"}

    assert ingest.get("/api/v1/deliveries").status_code == 401
    assert ingest.post(f"/api/v1/deliveries/{failed}/retry").status_code == 401
    bad = {"authorization": "Bearer cgo_wrong"}
    assert ingest.get("/api/v1/deliveries", headers=bad).status_code == 401
    assert ingest.get("/api/v1/deliveries", headers=stranger).json() == {"items": [], "next": None}
    assert ingest.post(f"/api/v1/deliveries/{failed}/retry", headers=stranger).status_code == 404
    page = ingest.get("/api/v1/deliveries?limit=1", headers=member).json()
    assert [item["id"] for item in page["items"]] == [other] and page["next"] == other
    rest = ingest.get(f"/api/v1/deliveries?limit=1&before={other}", headers=member).json()
    assert [item["id"] for item in rest["items"]] == [failed]
    assert ingest.get("/api/v1/deliveries?status=sent", headers=admin).json()["items"] == []
    everything = ingest.get("/api/v1/deliveries?status=all", headers=admin).json()["items"]
    assert len(everything) == 2
    item = everything[0]
    assert item["event"]["type"] == "group.opened" and item["group"]["exact"] == "teh"
    assert item["site"] == "news-site-key" and item["last_error"].startswith("HTTP 410")
    for query, field in (("status=bogus", "status"), ("limit=0", "limit"), ("before=x", "before")):
        answer = ingest.get(f"/api/v1/deliveries?{query}", headers=admin)
        assert answer.status_code == 422 and answer.json()["field"] == field
    assert ingest.post("/api/v1/deliveries/999999/retry", headers=admin).status_code == 404
    retried = ingest.post(f"/api/v1/deliveries/{failed}/retry", headers=member)
    assert retried.status_code == 200 and retried.json()["status"] == "pending"
    again = ingest.post(f"/api/v1/deliveries/{failed}/retry", headers=member)
    assert again.status_code == 409 and again.json()["error"] == "not_failed"
    drain(notify_settings)
    assert [row.status for row in deliveries(notify_settings)] == ["sent", "failed"]


def test_the_server_runs_the_notifier_in_process(
    notify_settings: Settings,
    tuned: Callable[..., Settings],
    news_site: str,
    receivers: Callable[[], HttpReceiver],
    live_server_factory: Callable[..., LiveServer],
) -> None:
    hook = receivers()
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    server = live_server_factory(tuned(workers_in_process=True))
    with httpx.Client(base_url=server.url) as client:
        answer = send_report(client, "wrod")
    [request] = hook.wait_for(1)
    assert request.json()["group"]["id"] == answer["group_id"]
    wait_until(lambda: [r.status for r in deliveries(notify_settings)] == ["sent"], 10, "sent")
