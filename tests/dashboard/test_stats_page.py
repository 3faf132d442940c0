"""The statistics page on both databases: charts, figures, roles, hostile titles."""

from __future__ import annotations

import re
from collections.abc import Callable

from starlette.testclient import TestClient

from tests.dashboard.helpers import Newsroom, ingest, sign_in

HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)>'


def figure(html: str, label: str) -> str:
    found = re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", html)
    assert found, label
    return found.group(1)


def test_admin_sees_charts_and_figures_of_every_site(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    answer = client.get("/dashboard/stats")
    assert answer.status_code == 200
    html = answer.text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 5
    for chart in ("chart-reports", "chart-trend", "chart-pages", "chart-sections", "chart-sites"):
        assert f'aria-labelledby="{chart}-t {chart}-d"' in html
    assert figure(html, "Reports") == "5"
    assert figure(html, "Misprints reported") == "5"
    assert figure(html, "Open now") == "5"
    assert "Daily News" in html and "Sport Weekly" in html
    assert "news.example/" in html  # the section of the reported page
    assert "content-security-policy" in answer.headers


def test_editor_sees_only_their_site(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    reader = app_client()
    ingest(reader, "sport", "Zqsportonly", title="Zqsporttitle", path="/zqsport/page")
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    html = client.get("/dashboard/stats?days=90").text
    assert figure(html, "Reports") == "3"
    assert "Sport Weekly" not in html
    assert "Zqsport" not in html and "zqsport" not in html
    assert client.get("/dashboard/stats?site=news").status_code == 200
    # Another site's figures do not exist for this editor, whatever the parameter.
    for site in ("sport", "missing", "1", "../news"):
        assert client.get("/dashboard/stats", params={"site": site}).status_code == 404


def test_titles_and_urls_in_charts_are_text(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    reader = app_client()
    ingest(reader, "news", "the the", title=HOSTILE_TITLE, path="/x/<b>bold</b>")
    client = app_client()
    sign_in(client, newsroom.admin)
    html = client.get("/dashboard/stats").text
    assert "<script>alert" not in html
    assert "onerror=alert(1)>" not in html.replace("&gt;", "")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html
    assert "<b>bold" not in html


def test_periods_and_signing_in(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    client = app_client()
    answer = client.get("/dashboard/stats", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/dashboard/sign-in")
    sign_in(client, newsroom.admin)
    assert "Reports per day" in client.get("/dashboard/stats?days=30").text
    assert "Reports per week" in client.get("/dashboard/stats?days=365").text
    # Unknown periods fall back to the default instead of failing.
    fallback = client.get("/dashboard/stats?days=-1").text
    assert "Reports per day" in fallback
    assert '<option value="30" selected>' in fallback
