"""A news page on a real loopback server, reports of it, and a driven page checker."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.lifecycle import Action
from corrigo.store.admin import create_site
from corrigo.store.checks import schedule_open_groups
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import ErrorGroup, GroupEvent, OutboxEvent
from corrigo.store.triage import Decision, decide
from corrigo.workers.checker import Checker
from tests.net.page_server import PageServer

ARTICLE = (
    "Officials said on Monday that they plan to implement intergration into the core "
    "system before the winter, adding that the budget had been approved by the council."
)
PATH = "/2026/11/30/budget"
SITE_KEY = "page-site"


def page_html(text: str = ARTICLE) -> str:
    """The article page: navigation, then the article body holding `text`."""
    return (
        "<!doctype html><html><head><title>Budget</title></head><body>"
        "<nav><a href='/'>Home</a> intergration</nav>"
        f"<article><h1>Budget approved</h1><div itemprop=articleBody><p>{text}</p></div>"
        "</article></body></html>"
    )


def add_site(settings: Settings, server: PageServer, **settings_of_site: Any) -> int:
    """A site whose pages are on the page server; returns its id."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site = create_site(session, "Page News", [server.origin], "en", public_key=SITE_KEY)
        for name, value in settings_of_site.items():
            setattr(site, name, value)
        session.commit()
        site_id = site.id
    engine.dispose()
    return site_id


def report(client: TestClient, server: PageServer, exact: str = "intergration") -> int:
    """A reader's report of `exact` in the article, as the widget sends it; the group id."""
    start = ARTICLE.index(exact)
    end = start + len(exact)
    body = {
        "site": SITE_KEY,
        "url": server.url(PATH),
        "title": "Budget approved",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "quote": {
            "exact": exact,
            "prefix": ARTICLE[max(0, start - 32) : start],
            "suffix": ARTICLE[end : end + 32],
        },
        "position": {"start": start, "end": end},
    }
    answer = client.post("/api/v1/reports", json=body, headers={"origin": server.origin})
    assert answer.status_code == 202, answer.text
    return int(answer.json()["group_id"])


def mark_fixed(settings: Settings, group_id: int) -> None:
    """An editor's "fixed" decision, through the store as every caller makes it."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        decide(session, None, [group_id], Decision(Action.FIXED), None)
        session.commit()
    engine.dispose()


def check(settings: Settings, group_ids: Sequence[int]) -> None:
    """Check these groups' pages now with a checker of our own."""
    engine = make_engine(settings.resolved_database_url)
    try:
        asyncio.run(Checker(settings, engine).check_now(group_ids, wait=5))
    finally:
        engine.dispose()


def round_at(settings: Settings, moment: datetime) -> None:
    """The schedule job and one round of a checker whose clock shows `moment`, to the end."""

    async def run() -> None:
        engine = make_engine(settings.resolved_database_url)
        try:
            with engine.begin() as conn:
                schedule_open_groups(conn, moment, settings.verify_seconds)
            checker = Checker(settings, engine, clock=lambda: moment)
            await checker.step()
            await checker.drain()
        finally:
            engine.dispose()

    asyncio.run(run())


def group(settings: Settings, group_id: int) -> ErrorGroup:
    """The group as stored now."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        found = session.get(ErrorGroup, group_id)
        assert found is not None
        session.expunge(found)
    engine.dispose()
    return found


def history(settings: Settings, group_id: int) -> list[tuple[str, str, str, int | None]]:
    """(action, to_status, note, editor_id) of the group's events, oldest first."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        rows = session.execute(
            select(GroupEvent).where(GroupEvent.group_id == group_id).order_by(GroupEvent.id)
        ).scalars()
        events = [(e.action, e.to_status, e.note, e.editor_id) for e in rows]
    engine.dispose()
    return events


def outbox_types(settings: Settings, group_id: int) -> list[str]:
    """The outbox event types of the group, oldest first."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        types = list(
            session.execute(
                select(OutboxEvent.event_type)
                .where(OutboxEvent.group_id == group_id)
                .order_by(OutboxEvent.id)
            ).scalars()
        )
    engine.dispose()
    return types
