"""The public site-key check a CMS plugin asks when its key is pasted."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.conftest import NEWS_KEY


def test_a_known_key_and_whether_the_origin_is_allowed(client: TestClient, news_site: str) -> None:
    def check(origin: str) -> dict[str, object]:
        answer = client.get(f"/api/v1/sites/{news_site}/check", params={"origin": origin})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    # It says exactly these two things: never the site's name, origins or anything else.
    assert check("https://news.example") == {"site": True, "origin_allowed": True}
    assert check("https://News.Example:443") == {"site": True, "origin_allowed": True}
    assert check("https://news.example.evil") == {"site": True, "origin_allowed": False}
    assert check("http://news.example") == {"site": True, "origin_allowed": False}
    assert check("https://news.example:99999") == {"site": True, "origin_allowed": False}


def test_an_unknown_key_and_a_bad_origin_are_refused(client: TestClient, news_site: str) -> None:
    unknown = client.get("/api/v1/sites/nope/check", params={"origin": "https://news.example"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_site"
    for params in ({}, {"origin": "https://news.example/path"}, {"origin": "https://*.example"}):
        bad = client.get(f"/api/v1/sites/{NEWS_KEY}/check", params=params)
        assert bad.status_code == 422 and bad.json()["field"] == "origin"
    assert client.get(f"/api/v1/sites/{NEWS_KEY}/check").headers.get("set-cookie") is None
