"""Grouping: identical and overlapping selections fold into one group; outbox rows follow."""

from datetime import UTC, datetime

from sqlalchemy import update
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from tests.api.helpers import ARTICLE, URL, ErrorGroup, OutboxEvent, count, post, report, rows


def set_status(settings: Settings, group_id: int, status: str) -> None:
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(
            update(ErrorGroup.__table__)
            .where(ErrorGroup.__table__.c.id == group_id)
            .values(status=status, status_changed_at=datetime.now(UTC))
        )
    engine.dispose()


def test_identical_reports_fold_into_one_group(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    first = post(client, report()).json()
    second = post(client, report()).json()
    assert second["group_id"] == first["group_id"]
    assert (first["duplicate"], second["duplicate"]) == (False, True)
    [group] = rows(settings, ErrorGroup)
    assert group.report_count == 2
    assert group.last_seen >= group.first_seen


def test_url_variants_of_one_page_share_a_group(client: TestClient, news_site: str) -> None:
    ids = {
        post(client, report(url=url)).json()["group_id"]
        for url in [
            URL,
            URL + "#comments",
            URL + "?utm_source=twitter&utm_medium=social",
            URL.replace("news.example", "NEWS.example") + "?fbclid=abc",
            URL.replace("https://news.example", "https://news.example:443"),
        ]
    }
    assert len(ids) == 1


def test_different_selections_of_the_same_misprint_join(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    ids = {
        post(client, report(exact)).json()["group_id"]
        for exact in [
            "intergration",
            "intergration into",
            "to implement intergration",
            "ntergratio",
        ]
    }
    assert len(ids) == 1
    assert rows(settings, ErrorGroup)[0].report_count == 4


def test_adjacent_words_and_other_pages_are_separate_groups(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    base = post(client, report("intergration")).json()["group_id"]
    assert post(client, report("into")).json()["group_id"] != base
    assert post(client, report("implement")).json()["group_id"] != base
    other_page = post(client, report(url=URL + "-2")).json()["group_id"]
    assert other_page != base
    assert count(settings, ErrorGroup) == 4


def test_repeated_word_misprint_is_grouped_at_its_place(client: TestClient, news_site: str) -> None:
    assert "the the" in ARTICLE
    one = post(client, report("the the")).json()
    two = post(client, report("the")).json()  # the first "the" of the whole article
    assert one["group_id"] != two["group_id"]


def test_new_group_writes_an_outbox_row_in_the_same_transaction(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    answer = post(client, report()).json()
    post(client, report())  # duplicate: no new notification
    [event] = rows(settings, OutboxEvent)
    assert event.event_type == "group.opened"
    assert event.group_id == answer["group_id"]
    assert event.report_id == answer["report_id"]
    assert len(event.event_id) == 36


def test_threshold_crossing_notifies_once(make_client, news_site: str, settings: Settings) -> None:
    client = make_client(notify_threshold=3)
    for _ in range(5):
        post(client, report())
    types = [event.event_type for event in rows(settings, OutboxEvent)]
    assert types == ["group.opened", "group.threshold"]


def test_rejected_group_remembers_the_decision(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    group_id = post(client, report()).json()["group_id"]
    set_status(settings, group_id, "rejected")
    again = post(client, report("intergration into")).json()
    assert again["group_id"] == group_id
    [group] = rows(settings, ErrorGroup)
    assert (group.status, group.report_count) == ("rejected", 2)
    assert [e.event_type for e in rows(settings, OutboxEvent)] == ["group.opened"]


def test_fixed_group_reported_again_reopens(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    group_id = post(client, report()).json()["group_id"]
    set_status(settings, group_id, "fixed")
    assert post(client, report()).json()["group_id"] == group_id
    [group] = rows(settings, ErrorGroup)
    assert group.status == "open"
    assert [e.event_type for e in rows(settings, OutboxEvent)] == ["group.opened", "group.opened"]


def test_reports_without_positions_group_by_text(client: TestClient, news_site: str) -> None:
    bodies = [report(exact) for exact in ["intergration", "intergration into"]]
    for body in bodies:
        body.pop("position")
    ids = {post(client, body).json()["group_id"] for body in bodies}
    assert len(ids) == 1
