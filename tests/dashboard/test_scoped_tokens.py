"""API tokens limited to one site and to reading (the WordPress plugin's dashboard widget)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.sites import find_site
from corrigo.store.tokens import create_token
from tests.conftest import SECRET
from tests.dashboard.helpers import Newsroom


def _token(settings: Settings, site_key: str | None, read_only: bool) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site = find_site(session, site_key) if site_key else None
        token = create_token(
            session, "wordpress", site_id=site.id if site else None, read_only=read_only
        )
        session.commit()
    engine.dispose()
    return token


def test_a_read_only_site_token_lists_its_site_and_changes_nothing(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    auth = {"authorization": f"Bearer {_token(settings, 'news', read_only=True)}"}
    listed = client.get("/api/v1/groups", headers=auth, params={"status": "open"}).json()
    assert sorted(item["id"] for item in listed["items"]) == sorted(newsroom.groups["news"])
    assert client.get("/api/v1/sites", headers=auth).json()["items"][0]["key"] == "news"
    other = newsroom.groups["sport"][0]
    assert client.get(f"/api/v1/groups/{other}", headers=auth).status_code == 404
    assert client.get("/api/v1/groups", headers=auth, params={"site": "sport"}).status_code == 404
    mine = newsroom.groups["news"][0]
    decided = client.post(f"/api/v1/groups/{mine}/actions", json={"action": "spam"}, headers=auth)
    assert decided.status_code == 403 and decided.json()["error"] == "read_only_token"
    assert client.get(f"/api/v1/groups/{mine}", headers=auth).json()["status"] == "open"


def test_a_site_token_that_may_write_decides_on_its_site_only(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    auth = {"authorization": f"Bearer {_token(settings, 'sport', read_only=False)}"}
    mine, other = newsroom.groups["sport"][0], newsroom.groups["news"][0]
    assert (
        client.post(
            f"/api/v1/groups/{mine}/actions", json={"action": "fixed"}, headers=auth
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/groups/{other}/actions", json={"action": "fixed"}, headers=auth
        ).status_code
        == 404
    )


def test_token_create_for_one_site_read_only(
    newsroom: Newsroom,
    settings: Settings,
    app_client: Callable[..., TestClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    done = CliRunner().invoke(
        main, ["token", "create", "--name", "wordpress", "--site", "news", "--read-only"]
    )
    assert done.exit_code == 0, done.output
    auth = {"authorization": f"Bearer {done.output.strip()}"}
    client = app_client()
    assert len(client.get("/api/v1/groups", headers=auth).json()["items"]) == 3
    mine = newsroom.groups["news"][0]
    refused = client.post(f"/api/v1/groups/{mine}/actions", json={"action": "spam"}, headers=auth)
    assert refused.status_code == 403
    unknown = CliRunner().invoke(main, ["token", "create", "--site", "nope"])
    assert unknown.exit_code != 0 and "nope" in unknown.output
