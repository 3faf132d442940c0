"""The demo's whole loop on a live server: report, apply, corrected article, checked and closed."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from sqlalchemy import select

from corrigo.demo import ensure_demo
from corrigo.domain.article import article_texts
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import ErrorGroup
from corrigo.store.tokens import create_token
from tests.conftest import free_port, settings_for
from tests.connectors.helpers import quote_in
from tests.workers.receivers import wait_until


def test_report_apply_reload_and_the_check_closes_it(
    tmp_path: Path, sqlite_url: str, live_server_factory
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings_for(
        tmp_path / "data",
        sqlite_url,
        base_url=base,
        verify_allow_private=True,
        verify_poll_interval=0.1,
    )
    engine = make_engine(sqlite_url)
    with make_sessionmaker(engine)() as session:
        ensure_demo(session, base)
        token = create_token(session, "demo admin")
        session.commit()
    server = live_server_factory(settings, port)
    article = f"{server.url}/demo/bridge-reopens"
    text = article_texts(httpx.get(article).text)[0]
    report = {
        "site": "demo",
        "url": article,
        "quote": quote_in(text, "intergration"),
        "suggestion": "integration",
        "client_id": uuid.uuid4().hex,
    }
    sent = httpx.post(f"{server.url}/api/v1/reports", json=report, headers={"origin": base})
    assert sent.status_code == 202, sent.text
    group = sent.json()["group_id"]
    applied = httpx.post(
        f"{server.url}/api/v1/groups/{group}/apply",
        json={"correction": "integration"},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert applied.status_code == 200 and applied.json()["applied"], applied.text
    assert "the integration of the Old Town" in article_texts(httpx.get(article).text)[0]

    def checked() -> bool:
        with make_sessionmaker(engine)() as session:
            found = session.execute(select(ErrorGroup).where(ErrorGroup.id == group)).scalar_one()
            return found.check_outcome == "corrected" and found.status == "fixed"

    wait_until(checked, 30, "the page check to find the correction")
    engine.dispose()
