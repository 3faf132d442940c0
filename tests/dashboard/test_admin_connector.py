"""The site page's connector form: a test call first, secrets sealed and shown at most once."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Site, SiteConnector
from tests.dashboard.helpers import Newsroom, sign_in
from tests.workers.receivers import HttpReceiver


def _site_id(settings: Settings, key: str) -> int:
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        site_id = conn.execute(select(Site.id).where(Site.public_key == key)).scalar_one()
    engine.dispose()
    return site_id


def _stored(settings: Settings) -> list[tuple[str, str]]:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        rows = [
            (row.kind, row.sealed_secret)
            for row in session.execute(select(SiteConnector)).scalars()
        ]
    engine.dispose()
    return rows


def test_admin_sets_tries_and_removes_a_connector(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    site = _site_id(settings, "news")
    page = f"/dashboard/admin/sites/{site}"
    assert "This site has no connector." in client.get(page).text
    url = f"{page}/connector"

    dead = client.post(
        url, data={"csrf_token": csrf, "kind": "webhook", "url": "http://127.0.0.1:9/x"}
    )
    assert dead.status_code == 400 and "nothing saved" in dead.text
    assert _stored(settings) == []

    receiver = HttpReceiver().start()
    try:
        saved = client.post(url, data={"csrf_token": csrf, "kind": "webhook", "url": receiver.url})
    finally:
        receiver.stop()
    assert saved.status_code == 200, saved.text
    secret = re.search(r"Signing secret \(shown once\): <code>([^<]+)</code>", saved.text).group(1)
    [(kind, sealed)] = _stored(settings)
    assert kind == "webhook" and secret not in sealed
    again = client.get(page).text
    assert secret not in again and "kept, encrypted" in again and receiver.url in again

    typed = client.post(
        url,
        data={
            "csrf_token": csrf,
            "kind": "wordpress",
            "url": "http://127.0.0.1:9",
            "user": "desk",
            "secret": "pass word",
        },
    )
    assert typed.status_code == 400 and "pass word" not in typed.text
    assert _stored(settings)[0][0] == "webhook"  # the failed try changed nothing

    assert client.post(url, data={"csrf_token": "nope", "kind": "demo"}).status_code == 403
    removed = client.post(f"{url}/remove", data={"csrf_token": csrf}, follow_redirects=False)
    assert removed.status_code == 303 and _stored(settings) == []


def test_editors_cannot_reach_the_form(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    site = _site_id(settings, "news")
    answer = client.post(
        f"/dashboard/admin/sites/{site}/connector",
        data={"csrf_token": csrf, "kind": "demo"},
        follow_redirects=False,
    )
    assert answer.status_code in (403, 404)
    assert _stored(settings) == []
