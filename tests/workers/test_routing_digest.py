"""Who hears about what and when: routing by section and author, digests, the threshold event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.schedule import next_digest_at, zone
from tests.conftest import NEWS_ORIGIN
from tests.workers.conftest import add_channel, deliveries, drain, send_report
from tests.workers.markup import Markup
from tests.workers.receivers import HttpReceiver, SmtpSink, answers, parts


def _events(hook: HttpReceiver) -> list[tuple[str, str]]:
    return sorted((r.json()["group"]["quote"]["exact"], r.json()["type"]) for r in hook.received)


def test_section_desks_authors_and_the_default_channel_each_get_their_share(
    notify_settings: Settings,
    ingest: TestClient,
    smtp: SmtpSink,
    receivers: Callable[[], HttpReceiver],
) -> None:
    sport = receivers()
    add_channel(notify_settings, "webhook", sport.url, secret="s" * 24, url_prefix="/sport/")
    add_channel(notify_settings, "email", "jane@news.example", author="Jane Roe")
    default = receivers()
    add_channel(notify_settings, "webhook", default.url, secret="s" * 24)
    send_report(ingest, "politcs", url=f"{NEWS_ORIGIN}/politics/a")
    send_report(ingest, "footbal", url=f"{NEWS_ORIGIN}/sport/b")
    send_report(ingest, "goverment", url=f"{NEWS_ORIGIN}/politics/c", author="Jane Roe")
    send_report(ingest, "stadum", url=f"{NEWS_ORIGIN}/sport/d", author="John Doe, jane roe")
    drain(notify_settings)
    assert _events(sport) == [("footbal", "group.opened"), ("stadum", "group.opened")]
    assert _events(default) == [("politcs", "group.opened")]
    mails = smtp.wait_for(2)
    assert sorted(str(m["Subject"]).split("“")[1].split("”")[0] for m in mails) == [
        "goverment",
        "stadum",
    ]
    assert {str(m["To"]) for m in mails} == {"jane@news.example"}


def test_the_threshold_sends_once_more_and_duplicates_stay_quiet(
    make_client: Callable[..., TestClient],
    notify_settings: Settings,
    news_site: str,
    receivers: Callable[[], HttpReceiver],
) -> None:
    client = make_client(workers_in_process=False, notify_threshold=3)
    hook = receivers()
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24)
    for _ in range(2):
        send_report(client, "wrod")
    drain(notify_settings)
    assert _events(hook) == [("wrod", "group.opened")]
    send_report(client, "wrod", comment="three of us saw it")
    drain(notify_settings)
    threshold = hook.received[-1].json()
    assert threshold["type"] == "group.threshold"
    assert threshold["group"]["report_count"] == 3
    assert threshold["report"]["comment"] == "three of us saw it"
    for _ in range(3):
        send_report(client, "wrod")
    drain(notify_settings)
    assert len(hook.received) == 2


def test_digest_waits_for_the_local_time_then_sends_the_day_grouped_by_page(
    notify_settings: Settings,
    ingest: TestClient,
    smtp: SmtpSink,
    receivers: Callable[[], HttpReceiver],
) -> None:
    now = datetime.now(UTC)
    # Digest times two and five hours ahead, in two zones, so both lie in the future.
    new_york, tokyo = zone("America/New_York"), zone("Asia/Tokyo")
    ny_time = (now + timedelta(hours=2)).astimezone(new_york).strftime("%H:%M")
    tokyo_time = (now + timedelta(hours=5)).astimezone(tokyo).strftime("%H:%M")
    add_channel(
        notify_settings,
        "email",
        "desk@news.example",
        digest_time=ny_time,
        timezone="America/New_York",
    )
    tokyo_hook = receivers()
    add_channel(
        notify_settings,
        "webhook",
        tokyo_hook.url,
        secret="s" * 24,
        digest_time=tokyo_time,
        timezone="Asia/Tokyo",
    )
    immediate = receivers()
    add_channel(notify_settings, "slack", immediate.url + "/services/x")
    pages = {"wrod": "a", "teh": "b", "recieve": "a"}
    for word, page in pages.items():
        send_report(ingest, word, url=f"{NEWS_ORIGIN}/news/{page}", title=f"Page {page.upper()}")
    drain(notify_settings)
    assert len(immediate.received) == 3  # an immediate channel does not wait
    assert smtp.messages == [] and tokyo_hook.received == []
    ny_due = next_digest_at(now, time.fromisoformat(ny_time), new_york)
    drain(notify_settings, clock=lambda: ny_due - timedelta(seconds=1))
    assert smtp.messages == []
    drain(notify_settings, clock=lambda: ny_due + timedelta(seconds=1))
    [mail] = smtp.wait_for(1)
    day = ny_due.astimezone(new_york).date().isoformat()
    assert mail["Subject"] == f"[Daily News] 3 misprints on 2 pages, {day}"
    text, html = parts(mail)
    assert text.index("Page A") < text.index("wrod") < text.index("recieve") < text.index("Page B")
    assert text.index("Page B") < text.index("teh")
    assert Markup(html).text.count("Page A") == 1
    assert tokyo_hook.received == []
    tokyo_due = next_digest_at(now, time.fromisoformat(tokyo_time), tokyo)
    drain(notify_settings, clock=lambda: tokyo_due + timedelta(seconds=1))
    [request] = tokyo_hook.received
    body = request.json()
    assert body["type"] == "digest" and request.headers["x-corrigo-event-id"] == body["id"]
    assert [page["title"] for page in body["pages"]] == ["Page A", "Page B"]
    assert [len(page["misprints"]) for page in body["pages"]] == [2, 1]
    assert {row.status for row in deliveries(notify_settings)} == {"sent"}
    drain(notify_settings, clock=lambda: tokyo_due + timedelta(days=1, seconds=1))
    assert len(smtp.messages) == 1 and len(tokyo_hook.received) == 1


def test_a_failed_digest_is_retried_as_one_digest(
    notify_settings: Settings,
    ingest: TestClient,
    receivers: Callable[[], HttpReceiver],
) -> None:
    hook = receivers()
    hook.respond = answers(500)
    now = datetime.now(UTC)
    at = (now + timedelta(hours=1)).strftime("%H:%M")
    add_channel(notify_settings, "webhook", hook.url, secret="s" * 24, digest_time=at)
    for word in ("wrod", "teh"):
        send_report(ingest, word)
    due = next_digest_at(now, time.fromisoformat(at), zone("UTC"))
    drain(notify_settings, clock=lambda: due)
    assert {row.status for row in deliveries(notify_settings)} == {"digest"}
    drain(notify_settings, clock=lambda: due + timedelta(seconds=5))
    first, second = hook.received
    assert first.json()["id"] == second.json()["id"]
    assert sum(len(page["misprints"]) for page in second.json()["pages"]) == 2
    assert {row.status for row in deliveries(notify_settings)} == {"sent"}
