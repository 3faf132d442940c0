"""The server-rendered pages: inbox, group, form actions, admin, deliveries, headers."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from sqlalchemy import select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import (
    Channel,
    Delivery,
    Editor,
    EditorSite,
    Site,
)
from tests.dashboard.helpers import Newsroom, failed_delivery, ingest, sign_in


def _row_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'data-group="(\d+)"', html)]


def test_inbox_rows_show_the_misprint_in_context(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    html = client.get("/dashboard/").text
    assert sorted(_row_ids(html)) == sorted(newsroom.groups["news"])
    assert (
        'plan to implement </span><mark>intergration</mark><span class="around"> into the core'
        in html
    )
    assert "Budget approved" in html  # page title
    assert "<time datetime=" in html
    assert "Sport Weekly" not in html  # the other site is not even in the site filter
    assert "Search quotes and comments <kbd>/</kbd></label>" in html


def test_inbox_filters_and_pages(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    client = app_client()
    for n in range(5):
        ingest(client, "news", f"typo {n}", path=f"/section/{n}", comment=f"comment {n}")
    sign_in(client, newsroom.admin)
    assert len(_row_ids(client.get("/dashboard/", params={"q": "comment 3"}).text)) == 1
    assert (
        len(
            _row_ids(
                client.get("/dashboard/", params={"url": "https://news.example/section/"}).text
            )
        )
        == 5
    )
    first = client.get("/dashboard/", params={"site": "news", "limit": "3"}).text
    assert len(_row_ids(first)) == 3
    next_link = unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))  # type: ignore[union-attr]
    assert "site=news" in next_link and "after=" in next_link
    second = client.get(next_link).text
    rest = _row_ids(second)
    assert len(rest) == 3 and not set(rest) & set(_row_ids(first))
    bad = client.get("/dashboard/", params={"since": "31.05.2024"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert client.get("/dashboard/", params={"site": "no-such-site"}).status_code == 404


def test_group_page(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    client = app_client()
    group_id = ingest(client, "news", "intergration", suggestion="integration", comment="a typo")
    sign_in(client, newsroom.admin)
    html = client.get(f"/dashboard/groups/{group_id}").text
    assert "<del>intergration</del><ins>integration</ins>" in html
    assert "a typo" in html
    link = unescape(re.search(r'id="fragment-link"[^>]*href="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert link == (
        "https://news.example/2024/budget"
        "#:~:text=they%20plan%20to%20implement-,intergration,-into%20the%20core%20system"
    )
    assert client.get("/dashboard/groups/987654").status_code == 404
    assert client.get("/dashboard/groups/9999999999999999999999").status_code == 404


def test_form_actions_need_csrf_and_are_recorded(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    group_id = newsroom.groups["news"][0]
    url = f"/dashboard/groups/{group_id}/actions"
    assert client.post(url, data={"action": "fixed"}).status_code == 403
    assert client.post(url, data={"action": "fixed", "csrf_token": "nope"}).status_code == 403
    assert client.post(url, data={"action": "erase", "csrf_token": csrf}).status_code == 400
    done = client.post(url, data={"action": "fixed", "note": "fixed in CMS", "csrf_token": csrf})
    assert done.status_code == 200
    assert "Marked fixed." in done.text
    assert "news@corrigo.example" in done.text and "fixed in CMS" in done.text


def test_bulk_form_action(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    chosen = newsroom.groups["news"][:2]
    answer = client.post(
        "/dashboard/actions",
        data={
            "csrf_token": csrf,
            "group": [str(g) for g in chosen],
            "action": "spam",
            "return_to": "/dashboard/?status=open",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/?status=open&done=spam&n=2"
    page = client.get(answer.headers["location"]).text
    assert "2 misprints marked spam." in page
    assert _row_ids(page) == [newsroom.groups["news"][2]]
    assert _row_ids(client.get("/dashboard/?status=spam").text) != []
    escape = client.post(
        "/dashboard/actions",
        data={
            "csrf_token": csrf,
            "group": "1",
            "action": "fixed",
            "return_to": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert escape.headers["location"].startswith("/dashboard/?")
    theirs = client.post(
        "/dashboard/actions",
        data={
            "csrf_token": csrf,
            "group": [str(chosen[0]), str(newsroom.groups["sport"][0])],
            "action": "fixed",
        },
    )
    assert theirs.status_code == 404


def test_security_headers_on_every_dashboard_answer(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    answers = [client.get("/dashboard/sign-in"), client.get("/dashboard/", follow_redirects=False)]
    sign_in(client, newsroom.admin)
    answers += [
        client.get("/dashboard/"),
        client.get("/dashboard/groups/999999"),
        client.get("/api/v1/groups"),
        client.get("/dashboard/static/dashboard.js"),
    ]
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    page = client.get("/dashboard/").text
    assert "<script>" not in page and " on" + "click=" not in page and "style=" not in page


def test_hostile_report_text_is_escaped(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    payload = '<img src=x onerror="alert(1)">'
    group_id = ingest(
        client,
        "news",
        f"{payload}<script>alert(2)</script>",
        comment='"><svg onload=alert(3)>',
        suggestion="</textarea><script>alert(4)</script>",
        title="<b>bold</b>' onmouseover='alert(5)",
    )
    sign_in(client, newsroom.admin)
    for html in (client.get("/dashboard/").text, client.get(f"/dashboard/groups/{group_id}").text):
        assert "<img src=x" not in html and "<script>alert" not in html and "<svg" not in html
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "<b>bold</b>" not in client.get("/dashboard/").text


def test_admin_pages_are_admin_only(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    for path in ("/dashboard/admin/sites", "/dashboard/admin/editors", "/dashboard/admin/channels"):
        assert client.get(path).status_code == 404
    assert "/dashboard/admin/" not in client.get("/dashboard/").text


def test_admin_manages_sites_and_origins(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    bad = client.post(
        "/dashboard/admin/sites",
        data={"csrf_token": csrf, "name": "Radio", "origins": "radio.example"},
    )
    assert bad.status_code == 400 and "not an origin" in bad.text
    made = client.post(
        "/dashboard/admin/sites",
        data={
            "csrf_token": csrf,
            "name": "Radio",
            "origins": "https://radio.example\nhttps://*.radio.example/",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"]).text
    key = re.search(r'data-site="([^"]+)"', unescape(page)).group(1)  # type: ignore[union-attr]
    site_path = made.headers["location"].split("?")[0]
    # The ingest accepts the new origin at once (the site cache is cleared).
    body = {"site": key, "url": "https://radio.example/a", "quote": {"exact": "teh"}}
    assert (
        client.post(
            "/api/v1/reports", json=body, headers={"origin": "https://radio.example"}
        ).status_code
        == 202
    )
    saved = client.post(
        site_path,
        data={
            "csrf_token": csrf,
            "name": "Radio One",
            "origins": "https://one.radio.example",
            "lang": "uk",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    refused = client.post("/api/v1/reports", json=body, headers={"origin": "https://radio.example"})
    assert refused.status_code == 403
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site = session.execute(select(Site).where(Site.public_key == key)).scalar_one()
        assert (site.name, site.allowed_origins, site.default_lang) == (
            "Radio One",
            ["https://one.radio.example"],
            "uk",
        )
    engine.dispose()
    assert client.get("/dashboard/admin/sites/999999").status_code == 404


def test_admin_creates_editors_who_can_sign_in(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    no_site = client.post(
        "/dashboard/admin/editors",
        data={"csrf_token": csrf, "email": "new@corrigo.example", "role": "editor"},
    )
    assert no_site.status_code == 400
    made = client.post(
        "/dashboard/admin/editors",
        data={
            "csrf_token": csrf,
            "email": "New@Corrigo.example",
            "role": "editor",
            "sites": "sport",
            "lang": "uk",
        },
    )
    assert made.status_code == 200
    password = re.search(r'<code id="new-password">([^<]+)</code>', made.text).group(1)  # type: ignore[union-attr]
    duplicate = client.post(
        "/dashboard/admin/editors",
        data={"csrf_token": csrf, "email": "new@corrigo.example", "role": "admin"},
    )
    assert duplicate.status_code == 400 and "exists already" in duplicate.text
    newcomer = app_client()
    sign_in(newcomer, "new@corrigo.example", password)
    inbox = newcomer.get("/dashboard/").text
    assert '<html lang="uk">' in inbox
    assert sorted(_row_ids(inbox)) == sorted(newsroom.groups["sport"])

    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        new_id = session.execute(
            select(Editor.id).where(Editor.email == "new@corrigo.example")
        ).scalar_one()
        news_id = session.execute(select(Site.id).where(Site.public_key == "news")).scalar_one()
        admin_id = session.execute(
            select(Editor.id).where(Editor.email == newsroom.admin)
        ).scalar_one()
    # Move them to the news site only; then lock them out.
    client.post(
        f"/dashboard/admin/editors/{new_id}",
        data={"csrf_token": csrf, "role": "editor", "sites": str(news_id), "active": "1"},
    )
    assert sorted(_row_ids(newcomer.get("/dashboard/").text)) == sorted(newsroom.groups["news"])
    client.post(
        f"/dashboard/admin/editors/{new_id}",
        data={"csrf_token": csrf, "role": "editor", "sites": str(news_id)},
    )
    assert newcomer.get("/dashboard/", follow_redirects=False).status_code == 303
    # An admin cannot lock themselves out.
    self_lock = client.post(
        f"/dashboard/admin/editors/{admin_id}", data={"csrf_token": csrf, "role": "editor"}
    )
    assert self_lock.status_code == 400
    # A reset password is shown once and works.
    reset = client.post(f"/dashboard/admin/editors/{new_id}/password", data={"csrf_token": csrf})
    new_password = re.search(r'<code id="new-password">([^<]+)</code>', reset.text).group(1)  # type: ignore[union-attr]
    assert new_password != password
    with make_sessionmaker(engine)() as session:
        assert session.execute(
            select(EditorSite.site_id).where(EditorSite.editor_id == new_id)
        ).scalars().all() == [news_id]
    engine.dispose()


def test_admin_manages_channels(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    bad = client.post(
        "/dashboard/admin/channels",
        data={"csrf_token": csrf, "site": "news", "kind": "email", "target": "not an address"},
    )
    assert bad.status_code == 400
    hook = client.post(
        "/dashboard/admin/channels",
        data={
            "csrf_token": csrf,
            "site": "news",
            "kind": "webhook",
            "target": "https://hooks.example/secret-path",
        },
    )
    secret = re.search(r'<code id="new-secret">([^<]+)</code>', hook.text).group(1)  # type: ignore[union-attr]
    assert len(secret) >= 16
    assert "secret-path" not in hook.text  # the listing hides URL paths, which may be secrets
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        channel = session.execute(select(Channel)).scalar_one()
    client.post(f"/dashboard/admin/channels/{channel.id}/toggle", data={"csrf_token": csrf})
    with make_sessionmaker(engine)() as session:
        assert session.get(Channel, channel.id).enabled is False  # type: ignore[union-attr]
    client.post(f"/dashboard/admin/channels/{channel.id}/delete", data={"csrf_token": csrf})
    with make_sessionmaker(engine)() as session:
        assert session.get(Channel, channel.id) is None
    engine.dispose()
    assert (
        client.post("/dashboard/admin/channels/999/delete", data={"csrf_token": csrf}).status_code
        == 404
    )


def test_failed_delivery_can_be_retried(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    _channel, delivery_id = failed_delivery(
        settings,
        "news",
        newsroom.groups["news"][0],
        "desk@news.example",
        "550 mailbox <unavailable>",
    )
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    page = client.get("/dashboard/deliveries").text
    assert "550 mailbox &lt;unavailable&gt;" in page
    answer = client.post(f"/dashboard/deliveries/{delivery_id}/retry", data={"csrf_token": csrf})
    assert "Queued to be sent again." in answer.text
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        assert session.get(Delivery, delivery_id).status == "pending"  # type: ignore[union-attr]
    engine.dispose()
    again = client.post(f"/dashboard/deliveries/{delivery_id}/retry", data={"csrf_token": csrf})
    assert "no longer failed" in again.text
