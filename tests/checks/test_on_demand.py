"""Checks on demand: the API, the dashboard's button, `corrigo verify`; tenancy; the inbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.store.admin import create_editor, create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.tokens import create_token
from tests.checks.helpers import ARTICLE, PATH, SITE_KEY, add_site, group, page_html, report
from tests.conftest import SECRET
from tests.dashboard.helpers import PASSWORD, sign_in
from tests.net.page_server import PageServer


def token_for(settings: Settings, email: str, site_keys: list[str] | None) -> str:
    """An API token of a new editor (of `site_keys`, or an admin for None)."""
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        role = "admin" if site_keys is None else "editor"
        editor = create_editor(session, email, PASSWORD, role=role, site_keys=site_keys or [])
        token = create_token(session, "tests", editor_id=editor.id)
        session.commit()
    engine.dispose()
    return token


@pytest.fixture
def app(make_client: Callable[..., TestClient]) -> TestClient:
    """The app with its workers (the checker among them) allowed to fetch loopback pages."""
    return make_client(verify_allow_private=True, verify_poll_interval=0.05)


def test_api_verify_answers_the_outcome_and_groups_carry_it(
    app: TestClient, settings: Settings, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    group_id = report(app, page_server)
    bearer = {"authorization": "Bearer " + token_for(settings, "ed@page.example", [SITE_KEY])}

    before = app.get(f"/api/v1/groups/{group_id}", headers=bearer).json()
    assert (before["verification"], before["still_on_page"]) == (None, False)

    answer = app.post(f"/api/v1/groups/{group_id}/verify", headers=bearer)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["outcome"], body["now"], body["reason"]) == ("present", "intergration", None)
    assert body["checked_at"]

    page_server.page(PATH, page_html(ARTICLE.replace("intergration", "integration")))
    body = app.post(f"/api/v1/groups/{group_id}/verify", headers=bearer).json()
    assert (body["outcome"], body["now"]) == ("corrected", "integration")
    after = app.get(f"/api/v1/groups/{group_id}", headers=bearer).json()
    assert after["status"] == "fixed"  # the checker fixed the open group
    assert after["verification"]["outcome"] == "corrected"
    items = app.get("/api/v1/groups", headers=bearer).json()["items"]
    assert items[0]["verification"]["now"] == "integration"
    assert items[0]["still_on_page"] is False
    sign_in(app, "ed@page.example")
    assert 'id="fixed-on-page">1</dd>' in app.get("/dashboard/stats").text


def test_api_verify_reports_an_unreachable_page_with_its_reason(
    app: TestClient, settings: Settings, page_server: PageServer
) -> None:
    add_site(settings, page_server)
    group_id = report(app, page_server)
    bearer = {"authorization": "Bearer " + token_for(settings, "ed@page.example", [SITE_KEY])}
    body = app.post(f"/api/v1/groups/{group_id}/verify", headers=bearer).json()
    assert (body["outcome"], body["now"], body["reason"]) == (
        "unreachable",
        None,
        "the page answered HTTP 404",
    )


def test_an_editor_checks_only_their_sites_groups(
    app: TestClient, settings: Settings, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Other", ["https://other.example"], "en", public_key="other")
        session.commit()
    engine.dispose()
    group_id = report(app, page_server)
    outsider = {"authorization": "Bearer " + token_for(settings, "o@other.example", ["other"])}
    answer = app.post(f"/api/v1/groups/{group_id}/verify", headers=outsider)
    assert answer.status_code == 404
    assert page_server.seen == []
    assert group(settings, group_id).check_due_at is None
    assert app.post("/api/v1/groups/99999999/verify", headers=outsider).status_code == 404
    assert app.post(f"/api/v1/groups/{group_id}/verify").status_code == 401


def test_still_on_the_page_badge_filter_and_button(
    app: TestClient, settings: Settings, page_server: PageServer
) -> None:
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    group_id = report(app, page_server)
    token_for(settings, "ed@page.example", [SITE_KEY])
    csrf = sign_in(app, "ed@page.example")
    app.post(
        f"/dashboard/groups/{group_id}/actions",
        data={"action": "fixed", "csrf_token": csrf},
        follow_redirects=False,
    )
    answer = app.post(
        f"/dashboard/groups/{group_id}/verify",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/dashboard/groups/{group_id}?done=checked"
    page = app.get(answer.headers["location"]).text
    assert "Still on the page" in page and "The misprint is still on the page." in page
    assert "found it still on the page" in page and "The page checker" in page
    flagged = app.get("/dashboard/?still_on_page=1").text
    assert f'data-group="{group_id}"' in flagged and "Still on the page" in flagged
    api = app.get("/api/v1/groups?still_on_page=true").json()["items"]
    assert [item["id"] for item in api] == [group_id]
    assert api[0]["still_on_page"] is True
    assert app.get("/api/v1/groups?still_on_page=maybe").status_code == 422
    # Without the CSRF token nothing is checked.
    assert app.post(f"/dashboard/groups/{group_id}/verify", data={}).status_code == 403


def test_corrigo_verify_prints_one_line_per_group(
    make_client: Callable[..., TestClient],
    settings: Settings,
    page_server: PageServer,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page_server.page(PATH, page_html())
    add_site(settings, page_server)
    reader = make_client(workers_in_process=False)
    first = report(reader, page_server)
    second = report(reader, page_server, "council")
    page_server.page(PATH, page_html(ARTICLE.replace("intergration", "integration")))
    for name, value in {
        "DATABASE_URL": database_url,
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": SECRET,
        "VERIFY_ALLOW_PRIVATE": "true",
    }.items():
        monkeypatch.setenv("CORRIGO_" + name, value)
    result = CliRunner().invoke(main, ["verify", "--site", SITE_KEY])
    assert result.exit_code == 0, result.output
    url = page_server.url(PATH)
    assert result.output.splitlines() == [f"{first}\tcorrected\t{url}", f"{second}\tpresent\t{url}"]
    assert group(settings, first).status == "fixed"
    again = CliRunner().invoke(main, ["verify", "--group", str(second)])
    assert again.output.splitlines() == [f"{second}\tpresent\t{url}"]
    assert CliRunner().invoke(main, ["verify", "--site", "nope"]).exit_code != 0


def test_site_settings_from_the_command_line(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()
    added = runner.invoke(
        main, ["site", "add", "Blog", "--origin", "https://blog.example", "--article", ".post"]
    )
    assert added.exit_code == 0, added.output
    assert 'data-article=".post"' in added.output
    key = added.output.split("site key: ")[1].split()[0]
    edited = runner.invoke(main, ["site", "edit", key, "--verify-interval", "30m"])
    assert edited.exit_code == 0, edited.output
    assert edited.output.strip() == f"{key}\tarticle: .post\tcheck every: 30m"
    cleared = runner.invoke(
        main, ["site", "edit", key, "--article", "", "--verify-interval", "off"]
    )
    assert cleared.output.strip() == f"{key}\tarticle: (default)\tcheck every: off"
    bad = runner.invoke(main, ["site", "edit", key, "--article", "[["])
    assert bad.exit_code != 0 and "is not a CSS selector" in bad.output
    bad = runner.invoke(main, ["site", "edit", key, "--verify-interval", "soon"])
    assert bad.exit_code != 0 and "is not an interval" in bad.output
