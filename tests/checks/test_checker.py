"""The page checker end to end: a real page server on loopback, both databases."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store import checks
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.lexicon import corrections
from tests.checks.helpers import (
    ARTICLE,
    PATH,
    SITE_KEY,
    add_site,
    check,
    group,
    history,
    mark_fixed,
    outbox_types,
    page_html,
    report,
    round_at,
)
from tests.net.page_server import PageServer
from tests.workers.conftest import drain
from tests.workers.receivers import HttpReceiver, wait_until


@pytest.fixture
def checked(make_settings: Callable[..., Settings]) -> Settings:
    """Settings for a checker that may fetch loopback pages; no workers in the app."""
    # No wait for a new proposed correction before notifying: the group has its proposal.
    return make_settings(
        workers_in_process=False,
        verify_allow_private=True,
        base_url="https://corrigo.example",
        proposal_wait=0,
    )


@pytest.fixture
def reader(checked: Settings, make_client: Callable[..., TestClient]) -> TestClient:
    """The ingest, on the same database."""
    return make_client(workers_in_process=False)


def test_fixed_but_still_there_is_flagged_notified_and_cleared(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(checked, page_server)
    receiver = HttpReceiver().start()
    try:
        engine = make_engine(checked.resolved_database_url)
        with make_sessionmaker(engine)() as session:
            create_channel(session, SITE_KEY, "webhook", receiver.url, secret="s" * 32)
            session.commit()
        engine.dispose()
        group_id = report(reader, page_server)
        mark_fixed(checked, group_id)
        assert group(checked, group_id).check_due_at is not None  # checked at the next look
        check(checked, [group_id])

        flagged = group(checked, group_id)
        assert (flagged.status, flagged.still_on_page) == ("fixed", True)
        assert (flagged.check_outcome, flagged.check_now) == ("present", "intergration")
        assert history(checked, group_id)[-1] == ("still_present", "fixed", "", None)
        assert outbox_types(checked, group_id)[-1] == "group.still_present"
        drain(checked)
        kinds = lambda: [seen.json()["type"] for seen in receiver.received]  # noqa: E731
        wait_until(lambda: "group.still_present" in kinds(), 5, "the still-present webhook")

        # A second check finds it again: no second event, no second notification.
        check(checked, [group_id])
        assert outbox_types(checked, group_id).count("group.still_present") == 1

        # The newsroom fixes the article: the next check clears the flag.
        page_server.page(PATH, page_html(ARTICLE.replace("intergration", "integration")))
        check(checked, [group_id])
        cleared = group(checked, group_id)
        assert (cleared.status, cleared.still_on_page) == ("fixed", False)
        assert (cleared.check_outcome, cleared.check_now) == ("corrected", "integration")
        assert history(checked, group_id)[-1][:3] == (
            "corrected",
            "fixed",
            "intergration → integration",
        )
    finally:
        receiver.stop()


def test_open_group_corrected_on_the_page_is_fixed_by_the_checker(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    site_id = add_site(checked, page_server, verify_interval=3600)
    group_id = report(reader, page_server)
    soon = datetime.now(UTC) + timedelta(minutes=10)
    round_at(checked, soon)  # not an hour old yet: nothing to check
    assert group(checked, group_id).checked_at is None

    later = datetime.now(UTC) + timedelta(hours=2)
    round_at(checked, later)
    still = group(checked, group_id)
    assert (still.status, still.check_outcome) == ("open", "present")
    assert page_server.requests_to(PATH)

    page_server.page(PATH, page_html(ARTICLE.replace("intergration", "integration")))
    round_at(checked, later + timedelta(hours=2))
    fixed = group(checked, group_id)
    assert (fixed.status, fixed.status_changed_by, fixed.still_on_page) == ("fixed", None, False)
    assert fixed.status_note == "intergration → integration"
    assert history(checked, group_id) == [
        ("corrected", "fixed", "intergration → integration", None)
    ]
    engine = make_engine(checked.resolved_database_url)
    with engine.connect() as conn:
        counted = checks.fixed_by_checker(conn, None, later, later + timedelta(hours=3))
    # What the page reads now is the newsroom's correction: the site's memory learns it.
    with make_sessionmaker(engine)() as session:
        learned = [(c.misspelling, c.correction) for c in corrections(session, site_id)]
    engine.dispose()
    assert sum(counted.values()) == 1
    assert learned == [("intergration", "integration")]


def test_interval_off_checks_nothing(
    make_settings: Callable[..., Settings], reader: TestClient, page_server: PageServer
) -> None:
    settings = make_settings(
        workers_in_process=False, verify_allow_private=True, verify_interval="off"
    )
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    group_id = report(reader, page_server)
    round_at(settings, datetime.now(UTC) + timedelta(days=30))
    assert group(settings, group_id).checked_at is None
    assert page_server.seen == []


def test_missing_and_unreachable_change_no_status(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html("Nothing of what the readers saw is left."))
    add_site(checked, page_server)
    group_id = report(reader, page_server)
    check(checked, [group_id])
    gone = group(checked, group_id)
    assert (gone.status, gone.check_outcome, gone.check_now) == ("open", "missing", None)

    page_server.routes.pop(PATH)
    check(checked, [group_id])
    lost = group(checked, group_id)
    assert (lost.status, lost.check_outcome) == ("open", "unreachable")
    assert lost.check_reason == "the page answered HTTP 404"
    assert history(checked, group_id) == []


def test_loopback_refused_without_allow_private_and_no_request(
    make_settings: Callable[..., Settings], reader: TestClient, page_server: PageServer
) -> None:
    settings = make_settings(workers_in_process=False)
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    group_id = report(reader, page_server)
    check(settings, [group_id])
    refused = group(settings, group_id)
    assert refused.check_outcome == "unreachable"
    assert refused.check_reason == "127.0.0.1 is not fetched: 127.0.0.1 is a loopback address"
    assert page_server.seen == []


def test_unchanged_page_costs_a_304(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    html = page_html()

    def answer(headers: dict[str, str]) -> object:
        from tests.net.page_server import Answer

        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, html.encode(), {"Content-Type": "text/html", "ETag": '"v1"'})

    page_server.routes[PATH] = answer
    add_site(checked, page_server)
    group_id = report(reader, page_server)
    check(checked, [group_id])
    check(checked, [group_id])
    assert [seen.headers.get("if-none-match") for seen in page_server.requests_to(PATH)] == [
        None,
        '"v1"',
    ]
    assert group(checked, group_id).check_outcome == "present"
    ua = page_server.requests_to(PATH)[0].headers["user-agent"]
    assert ua == "Corrigo/0.1.0 (+https://corrigo.example)"


def test_one_fetch_per_page_for_all_its_groups(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(checked, page_server)
    ids = [report(reader, page_server, exact) for exact in ("intergration", "council", "winter")]
    check(checked, ids)
    assert len(page_server.requests_to(PATH)) == 1
    assert {group(checked, i).check_outcome for i in ids} == {"present"}


def test_a_claimed_page_is_not_claimed_again(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(checked, page_server)
    group_id = report(reader, page_server)
    now = datetime.now(UTC)
    engine = make_engine(checked.resolved_database_url)
    try:
        with engine.begin() as conn:
            checks.check_soon(conn, [group_id], now)
        with engine.begin() as conn:
            first = checks.claim_pages(conn, now, "a", now + timedelta(minutes=2), 10)
        with engine.begin() as conn:
            second = checks.claim_pages(conn, now, "b", now + timedelta(minutes=2), 10)
        assert [len(page.groups) for page in first] == [1] and second == []
        # A lease that ran out (the worker died) lets another take the page.
        with engine.begin() as conn:
            later = now + timedelta(minutes=3)
            assert len(checks.claim_pages(conn, later, "b", later + timedelta(minutes=2), 10)) == 1
    finally:
        engine.dispose()


def test_the_site_article_selector_is_used(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    # The misprint also sits in the navigation; the site says where its article is.
    html = (
        "<body><div class=story><p>" + ARTICLE + "</p></div>"
        "<article>Officials said on Monday that they plan to implement integration</article></body>"
    )
    page_server.page(PATH, html)
    add_site(checked, page_server, article_selector=".story")
    group_id = report(reader, page_server)
    check(checked, [group_id])
    assert group(checked, group_id).check_outcome == "present"


def test_concurrent_checkers_fetch_a_page_once(
    checked: Settings, reader: TestClient, page_server: PageServer
) -> None:
    from corrigo.workers.checker import Checker
    from tests.net.page_server import Answer

    page_server.routes[PATH] = Answer(200, page_html().encode(), delay=0.5)
    add_site(checked, page_server)
    group_id = report(reader, page_server)

    async def both() -> None:
        engine = make_engine(checked.resolved_database_url)
        try:
            await asyncio.gather(
                Checker(checked, engine, name="one").check_now([group_id]),
                Checker(checked, engine, name="two").check_now([group_id]),
            )
        finally:
            engine.dispose()

    asyncio.run(both())
    assert len(page_server.requests_to(PATH)) == 1
    assert group(checked, group_id).check_outcome == "present"
