"""An editor of one site never reaches anything of another site: every route is walked.

The walk enumerates the application's routes, so a route added later is covered
automatically; a route with a path parameter this test does not know fails it
until someone says which object of the other site the parameter should name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Channel, Delivery, Editor, ErrorGroup, Site
from tests.dashboard.helpers import Newsroom, failed_delivery, ingest, sign_in

# Strings that exist only in the other site's data: none may appear in any answer.
SECRET_QUOTE = "Zqsportquote"
SECRET_COMMENT = "Zqsportcomment"
SECRET_CHANNEL = "zqsport-desk@sport.example"
SECRET_TITLE = "Zqsporttitle"
SECRET_SITE_NAME = "Sport Weekly"
MARKERS = (SECRET_QUOTE, SECRET_COMMENT, SECRET_CHANNEL, SECRET_TITLE, SECRET_SITE_NAME)

# Routes that hold nothing of any site, or only the caller's own things; they must
# still never show the other site's data (checked below), but they may answer 2xx/3xx/4xx.
NO_SITE_DATA = {
    "/healthz",
    "/metrics",
    "/api/openapi.json",
    "/api/v1/reports",  # the public ingest: readers, not editors
    "/dashboard/sign-in",
    "/dashboard/sign-out",
    "/dashboard/account",
    "/dashboard/account/password",
    "/dashboard/account/language",
    "/dashboard/account/timezone",
    "/",  # a redirect to the dashboard
    "/favicon.ico",
    # The public key check (no token, for CMS plugins): it says whether the key exists and
    # the origin may send, nothing of the site; asked here with the other site's key.
    "/api/v1/sites/{key}/check",
}
NO_SITE_DATA_PREFIXES = ("/demo/", "/widget")
# Lists of the caller's own sites' things that take no site parameter: they answer
# 200 with the caller's data (and, checked below, nothing of the other site).
OWN_LISTS = {"/api/v1/sites", "/api/v1/deliveries", "/dashboard/deliveries"}
# Pages of the caller's own sites whose GET names no site (the POST does, below).
OWN_PAGES = {"/dashboard/proofread"}
# API routes that name their site in the body rather than in the path.
SITE_IN_BODY = {"/api/v1/proofread": {"site": "sport", "text": "A misprnt."}}


def _other_site_objects(
    settings: Settings, app_client: Callable[..., TestClient]
) -> dict[str, Any]:
    """Create the other site's group, channel and failed delivery; return their ids."""
    reader = app_client()
    group_id = ingest(
        reader, "sport", SECRET_QUOTE, comment=SECRET_COMMENT, title=SECRET_TITLE, path="/secret"
    )
    channel_id, delivery_id = failed_delivery(
        settings, "sport", group_id, SECRET_CHANNEL, "Zqsport smtp refused"
    )
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site_id = session.execute(select(Site.id).where(Site.public_key == "sport")).scalar_one()
        editor_id = session.execute(
            select(Editor.id).where(Editor.email == "sport@corrigo.example")
        ).scalar_one()
        ids = {
            "group_id": group_id,
            "site_id": site_id,
            "editor_id": editor_id,
            "channel_id": channel_id,
            "delivery_id": delivery_id,
            "key": "sport",
        }
    engine.dispose()
    return ids


def _walk(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path format, convertors) of every route, static mounts left out."""
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            continue  # static files: the same for everyone, no site data
        assert isinstance(route, Route), route
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path_format, route.param_convertors))
    return found


def _public(path_format: str) -> bool:
    return path_format in NO_SITE_DATA or path_format.startswith(NO_SITE_DATA_PREFIXES)


def _fill(path_format: str, params: dict[str, Any], ids: dict[str, Any]) -> str:
    values = {}
    for name in params:
        if name in ids:
            values[name] = ids[name]
        elif _public(path_format):
            values[name] = "en" if name == "lang" else "1"
        else:
            pytest.fail(f"{path_format}: say which object of the other site {{{name}}} names")
    return path_format.format(**values)


def test_every_route_hides_the_other_site(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    ids = _other_site_objects(settings, app_client)
    client = app_client()
    csrf = sign_in(client, newsroom.editors["news"])
    routes = _walk(client.app)
    assert len(routes) > 20
    # Everything the other site could be asked for by: path ids, query filters, bodies.
    query = {"site": "sport", "group": ids["group_id"], "url": "https://sport.example/"}
    form = {
        "csrf_token": csrf,
        "group": str(ids["group_id"]),
        "action": "fixed",
        "note": "x",
        "site": "sport",
        "return_to": "/dashboard/",
    }
    decision = {"action": "fixed", "note": "x"}
    checked = 0
    problems: list[str] = []
    for method, path_format, params in routes:
        path = _fill(path_format, params, ids)
        if method == "GET":
            answer = client.get(path, params=query, follow_redirects=False)
        elif path.startswith("/api/"):
            answer = client.request(
                method,
                path,
                params=query,
                # A decision on the id in the path, or on a list of ids.
                content=json.dumps(
                    SITE_IN_BODY.get(path_format)
                    or (decision if params else {**decision, "ids": [ids["group_id"]]})
                ),
                headers={"x-csrf-token": csrf, "content-type": "application/json"},
                follow_redirects=False,
            )
        else:
            answer = client.request(method, path, params=query, data=form, follow_redirects=False)
        where = f"{method} {path}"
        for marker in MARKERS:
            if marker in answer.text or marker in answer.headers.get("location", ""):
                problems.append(f"{where} shows {marker!r}")
        if _public(path_format):
            if path_format == "/dashboard/sign-out":
                csrf = sign_in(client, newsroom.editors["news"])
                form["csrf_token"] = csrf
            continue
        if path_format in OWN_LISTS or (method == "GET" and path_format in OWN_PAGES):
            if answer.status_code != 200:
                problems.append(f"{where} answered {answer.status_code}")
            continue
        if answer.status_code != 404:
            problems.append(f"{where} answered {answer.status_code}: {answer.text[:120]}")
        checked += 1
    assert problems == []
    assert checked >= 15

    # And nothing of the other site changed on the way.
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        assert session.get(ErrorGroup, ids["group_id"]).status == "open"  # type: ignore[union-attr]
        assert session.get(Channel, ids["channel_id"]).enabled  # type: ignore[union-attr]
        assert session.get(Delivery, ids["delivery_id"]).status == "failed"  # type: ignore[union-attr]
        assert session.get(Editor, ids["editor_id"]).is_active  # type: ignore[union-attr]
        assert session.get(Site, ids["site_id"]).name == SECRET_SITE_NAME  # type: ignore[union-attr]
    engine.dispose()


def test_admin_reaches_every_site(
    newsroom: Newsroom, settings: Settings, app_client: Callable[..., TestClient]
) -> None:
    ids = _other_site_objects(settings, app_client)
    client = app_client()
    sign_in(client, newsroom.admin)
    assert SECRET_QUOTE in client.get(f"/dashboard/groups/{ids['group_id']}").text
    assert SECRET_QUOTE in client.get("/dashboard/", params={"site": "sport"}).text
    assert SECRET_CHANNEL in client.get("/dashboard/admin/channels").text
    assert "Zqsport smtp refused" in client.get("/dashboard/deliveries").text
