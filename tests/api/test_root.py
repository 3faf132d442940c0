"""The server's root address and its icon."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_root_leads_to_the_dashboard(client: TestClient) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.status_code == 302
    assert answer.headers["location"] == "/dashboard/"
    assert client.head("/", follow_redirects=False).status_code == 302


def test_favicon_is_served(client: TestClient) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.content.startswith(b"<svg")
    page = client.get("/dashboard/sign-in").text
    assert 'rel="icon" href="/dashboard/static/favicon.svg?v=' in page
