"""The API's contract: every error of every ``/api/`` route is the one JSON error shape.

The routes come from the application itself, so a route added later is checked
without editing this file: without credentials, with a wrong token, with a
method it does not answer, with ids that are too long or not ASCII digits, with
broken bodies and queries; and unknown ``/api/`` addresses too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

import corrigo.http.api.sites
from corrigo.domain.report import ErrorBody
from corrigo.http.app import create_app
from tests.conftest import settings_for

# Public routes answer without credentials; every other /api/ route needs them.
PUBLIC = {"/api/v1/reports", "/api/openapi.json"}
OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Ids no route may accept: past 64 bits, non-ASCII digits, signs and hex.
BAD_IDS = ("9" * 21, "\u0661\u0662", "%EF%BC%91", "-1", "+1", "0x1", "1.0", "1 ")
PARAM = re.compile(r"{(\w+):id}")


@pytest.fixture
def api(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """An app on SQLite without background workers, and an admin API token."""
    from corrigo.store.db import make_engine, make_sessionmaker
    from corrigo.store.tokens import create_token

    settings = settings_for(tmp_path / "data", sqlite_url, workers_in_process=False)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        token = create_token(session, "contract")
        session.commit()
    engine.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, token


def api_routes(client: TestClient) -> list[Route]:
    """Every route of the application under /api/."""
    routes = [r for r in client.app.routes if isinstance(r, Route)]  # type: ignore[attr-defined]
    return [r for r in routes if r.path.startswith("/api/")]


def with_ids(path: str, value: str) -> str:
    """The route's path with every id parameter set to `value`."""
    return PARAM.sub(value, path)


def shape_problem(answer: Any) -> str | None:
    """Why this answer is not the error shape, or None when it is."""
    if answer.status_code < 400:
        return f"not an error ({answer.status_code})"
    if answer.headers.get("content-type") != "application/json":
        return f"content-type {answer.headers.get('content-type')!r}"
    try:
        body = msgspec.json.decode(answer.content)
        error = msgspec.convert(body, ErrorBody)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        return f"body {answer.content[:80]!r}: {exc}"
    if set(body) != {"error", "message", "field"}:
        return f"keys {sorted(body)}"
    if not re.fullmatch(r"[a-z_]+", error.error) or not error.message:
        return f"code {error.error!r}, message {error.message!r}"
    return None


def requests_for(route: Route, token: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Requests that route must refuse: (method, path, keyword arguments for the client)."""
    bearer = {"authorization": f"Bearer {token}"}
    methods = sorted((route.methods or set()) - {"HEAD", "OPTIONS"})
    path = with_ids(route.path, "999999")
    for method in OTHER_METHODS:
        if method not in (route.methods or set()):
            yield method, path, {"headers": bearer}
    for method in methods:
        if route.path not in PUBLIC:
            yield method, path, {}
            yield method, path, {"headers": {"authorization": "Bearer cgo_not-a-token"}}
            yield method, path, {"headers": {"authorization": "Basic YTpi"}}
        if PARAM.search(route.path):
            for bad in BAD_IDS:
                yield method, with_ids(route.path, bad), {"headers": bearer}
            if method == "GET":
                yield method, path, {"headers": bearer}
        if method == "POST":
            for body in (b"{", b"[]", b'{"unknown": 1}', b"\xff\xfe", b"x" * 70_000):
                yield method, path, {"headers": bearer, "content": body}
    if "GET" in methods and route.path not in PUBLIC and not PARAM.search(route.path):
        for query in ("site=nowhere", "limit=-1", "status=bogus", "what=bogus&format=pdf"):
            answer_kwargs = {"headers": bearer, "params": dict([query.split("=", 1)])}
            yield "GET", path, answer_kwargs


def test_every_error_of_every_api_route_has_the_error_shape(
    api: tuple[TestClient, str],
) -> None:
    client, token = api
    routes = api_routes(client)
    assert {"/api/v1/groups", "/api/v1/deliveries/{delivery_id:id}/retry"} <= {
        r.path for r in routes
    }
    problems = []
    checked = 0
    for route in routes:
        for method, path, kwargs in requests_for(route, token):
            answer = client.request(method, path, **kwargs)
            if answer.status_code < 400 and "params" in kwargs:
                continue  # a filter that happens to be valid for this route
            checked += 1
            problem = shape_problem(answer)
            if problem:
                problems.append(f"{method} {path} {kwargs.get('params', '')}: {problem}")
    assert checked > 100
    assert problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1",
        "/api/v1/nothing",
        "/api/v2/groups",
        "/api/v1/groups/1/nothing",
        "/api/v1/deliveries/" + "9" * 21 + "/retry",
        "/api/v1/groups/%D9%A1",
    ],
)
def test_unknown_api_addresses_answer_the_error_shape(
    api: tuple[TestClient, str], path: str
) -> None:
    client, token = api
    for method in ("GET", "POST"):
        answer = client.request(method, path, headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 404
        assert shape_problem(answer) is None
        assert answer.json()["error"] == "not_found"


def test_a_wrong_method_answers_405_with_allow(api: tuple[TestClient, str]) -> None:
    client, _token = api
    answer = client.delete("/api/v1/groups")
    assert answer.status_code == 405 and answer.json()["error"] == "method_not_allowed"
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_an_unexpected_failure_answers_500_with_the_error_shape(
    api: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, token = api

    def broken(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(corrigo.http.api.sites, "sites_of", broken)
    answer = client.get("/api/v1/sites", headers={"authorization": f"Bearer {token}"})
    assert answer.status_code == 500 and shape_problem(answer) is None
    assert answer.json()["error"] == "internal_error"
    assert "database" not in answer.text


def test_errors_outside_the_api_stay_plain_text(api: tuple[TestClient, str]) -> None:
    client, _token = api
    answer = client.get("/dashboard/groups/" + "9" * 21)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/plain")


def test_an_unexpected_failure_in_the_ingest_answers_the_json_500(
    api: tuple[TestClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _token = api

    def broken(_body: bytes) -> Any:
        raise RuntimeError("a bug")

    # The ingest takes a fast lane past Starlette's error middleware: it answers the same.
    monkeypatch.setattr("corrigo.http.ingest.decode", broken)
    answer = client.post(
        "/api/v1/reports",
        json={"site": "x", "url": "https://news.example/a", "quote": {"exact": "a"}},
        headers={"origin": "https://news.example"},
    )
    assert answer.status_code == 500
    assert msgspec.json.decode(answer.content, type=ErrorBody).error == "internal_error"
