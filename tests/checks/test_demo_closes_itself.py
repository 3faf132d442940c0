"""The demo: a misprint corrected in a demo article closes its group by itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.demo import DEMO_SITE_KEY, ensure_demo
from corrigo.domain.article import article_texts
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Site
from tests.checks.helpers import group, history
from tests.conftest import SECRET, LiveServer, free_port
from tests.workers.receivers import wait_until


def test_demo_misprint_corrected_in_the_article_closes_by_itself(
    make_settings: Callable[..., Settings],
    live_server_factory: Callable[..., LiveServer],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = make_settings(base_url=base, verify_allow_private=True)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        ensure_demo(session, base)
        # The demo's own interval is 30 s; a test has no half minute to spare.
        demo = session.query(Site).filter_by(public_key=DEMO_SITE_KEY).one()
        assert demo.verify_interval == 30
        demo.verify_interval = 1
        session.commit()
    engine.dispose()
    server = live_server_factory(settings, port)

    url = f"{base}/demo/bridge-reopens"
    text = article_texts(httpx.get(url).text)[0]  # what the widget reads on that page
    start = text.index("intergration")
    end = start + len("intergration")
    answer = httpx.post(
        f"{server.url}/api/v1/reports",
        json={
            "site": DEMO_SITE_KEY,
            "url": url,
            "client_id": "d" * 32,
            "quote": {
                "exact": "intergration",
                "prefix": text[start - 32 : start],
                "suffix": text[end : end + 32],
            },
            "position": {"start": start, "end": end},
        },
        headers={"origin": base},
    )
    assert answer.status_code == 202, answer.text
    group_id = int(answer.json()["group_id"])

    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    edited = CliRunner().invoke(
        main, ["demo-edit", "bridge-reopens", "intergration", "integration"]
    )
    assert edited.exit_code == 0, edited.output
    assert "intergration" not in httpx.get(url).text

    wait_until(lambda: group(settings, group_id).status == "fixed", 60, "the checker to close it")
    closed = group(settings, group_id)
    assert closed.status_changed_by is None and closed.check_now == "integration"
    assert history(settings, group_id) == [
        ("corrected", "fixed", "intergration → integration", None)
    ]
    missing = CliRunner().invoke(main, ["demo-edit", "bridge-reopens", "no such words", "x"])
    assert missing.exit_code != 0 and "is not in the article" in missing.output
