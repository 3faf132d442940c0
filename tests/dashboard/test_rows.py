"""Rows an editor can scan: context cut at words, the readers' suggestion, open misprints
by default, times in the editor's zone and relative, the group page without internal ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

from starlette.testclient import TestClient

from tests.dashboard.helpers import Newsroom, ingest, sign_in


def _rows(html: str) -> list[str]:
    return re.findall(r'<li class="group-row".*?</li>', html, re.S)


def test_row_shows_context_cut_at_words_and_the_suggestion(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    group = ingest(client, "news", "intergration", suggestion="integration")
    ingest(client, "news", "intergration", suggestion="integration")
    ingest(client, "news", "intergration", suggestion="intgration")
    sign_in(client, newsroom.admin)
    row = next(r for r in _rows(client.get("/dashboard/").text) if f'"{group}"' in r)
    text = unescape(re.sub(r"<[^>]+>", "", row))
    # ARTICLE's 32 characters on each side of the quote: the partial words at the ends go.
    assert "…that they plan to implement intergration into the core system before…" in (
        " ".join(text.split())
    )
    assert "Readers suggest: <q>integration</q>" in row  # the most suggested one
    assert "4 readers" in text  # with the newsroom's own report


def test_default_view_lists_open_misprints(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    fixed = newsroom.groups["news"][0]
    answer = client.post(
        f"/api/v1/groups/{fixed}/actions",
        json={"action": "fixed"},
        headers={"x-csrf-token": csrf},
    )
    assert answer.status_code == 200, answer.text
    default = client.get("/dashboard/").text
    assert f'data-group="{fixed}"' not in default
    assert len(_rows(default)) == 4
    assert re.search(r'<option value="open" selected>', default)
    every = client.get("/dashboard/", params={"status": "all"}).text
    assert f'data-group="{fixed}"' in every and len(_rows(every)) == 5
    assert re.search(r'<option value="all" selected>', every)


def test_times_are_relative_and_exact_in_the_editors_zone(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    html = client.get("/dashboard/").text
    # No zone chosen yet: the page asks the browser's, and shows UTC meanwhile.
    assert "data-guess-zone" in html
    stamp = re.search(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)
    assert stamp is not None
    assert stamp.group(1).endswith("+00:00")
    assert stamp.group(2).endswith("(UTC)")
    assert stamp.group(3) in ("0 sec. ago", "1 sec. ago") or stamp.group(3).endswith("sec. ago")

    # The browser's guess is taken while none is chosen (answered 204)…
    guess = {"csrf_token": csrf, "timezone": "Asia/Tokyo", "guess": "1"}
    assert client.post("/dashboard/account/timezone", data=guess).status_code == 204
    html = client.get("/dashboard/").text
    assert "data-guess-zone" not in html
    assert "(Asia/Tokyo)" in html
    # …a chosen zone wins over later guesses, and nonsense is refused.
    chosen = {"csrf_token": csrf, "timezone": "Europe/Kyiv"}
    answer = client.post("/dashboard/account/timezone", data=chosen, follow_redirects=False)
    assert answer.status_code == 303
    client.post("/dashboard/account/timezone", data=guess)
    assert "(Europe/Kyiv)" in client.get("/dashboard/").text
    for bad in ("Mars/Olympus", "../../etc/passwd", "", "x" * 65):
        refused = client.post(
            "/dashboard/account/timezone", data={"csrf_token": csrf, "timezone": bad}
        )
        assert refused.status_code == 400
        assert "time zone such as Europe/Kyiv" in refused.text or "too long" in refused.text
    without_csrf = client.post("/dashboard/account/timezone", data={"timezone": "UTC"})
    assert without_csrf.status_code == 403
    assert 'value="Europe/Kyiv"' in client.get("/dashboard/account").text


def test_group_page_shows_what_an_editor_can_use(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    group = ingest(
        client,
        "news",
        "counsil",
        lang="uk",
        comment="<b>council</b>, surely",
        suggestion="council",
        widget_version="e56995783d80",
    )
    sign_in(client, newsroom.admin)
    html = client.get(f"/dashboard/groups/{group}").text
    reports = html[html.index("<h2>Reports</h2>") :]
    assert "widget" not in reports and "e56995783d80" not in reports
    assert "Ukrainian" in reports
    assert 'Comment: <span class="comment">&lt;b&gt;council&lt;/b&gt;, surely</span>' in reports
    assert "Suggestion: <q>council</q>" in reports
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">[^<]+ ago</time>', reports)
