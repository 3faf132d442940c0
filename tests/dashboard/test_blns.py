"""The Big List of Naughty Strings through every text a reader or an editor sends (both databases).

Never a 5xx; what is accepted reads back as sent after the documented cleaning
(README, "Text that enters"): reader text through `clean`, everything else with
U+0000 removed. tests/data/blns.json is the list (MIT, see blns.LICENSE beside it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.text import clean, clean_multiline, clean_stripped, without_nul
from corrigo.store.models import GroupEvent, Report, Site
from tests.api.helpers import rows
from tests.dashboard.helpers import SITES, Newsroom, report_body, sign_in

NAUGHTY: list[str] = json.loads(
    (Path(__file__).parent.parent / "data" / "blns.json").read_text(encoding="utf-8")
)
ORIGIN = SITES["news"][1]
# Report fields of free text, and how each reads back.
FREE_TEXT: dict[str, Callable[[str], str]] = {
    "title": clean_stripped,
    "author": clean_stripped,
    "comment": clean_multiline,
    "suggestion": clean_stripped,
    "widget_version": clean_stripped,
}


def _post(client: TestClient, body: dict[str, object]) -> int:
    answer = client.post("/api/v1/reports", json=body, headers={"origin": ORIGIN})
    assert answer.status_code < 500, (body, answer.text)
    return answer.status_code


@pytest.fixture
def editor_client(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> TestClient:
    """A client signed in as the admin."""
    client = app_client()
    sign_in(client, newsroom.admin)
    return client


def test_naughty_strings_in_every_report_field(
    newsroom: Newsroom, app_client: Callable[..., TestClient], settings: Settings
) -> None:
    client = app_client()
    expected: dict[int, dict[str, str]] = {}
    for index, text in enumerate(NAUGHTY):
        body = report_body("news", "intergration", path=f"/blns/{index}")
        body.update({field: text for field in FREE_TEXT})
        body["quote"] = {"exact": f"x{text}x", "prefix": text, "suffix": text}
        body.pop("position")
        answer = client.post("/api/v1/reports", json=body, headers={"origin": ORIGIN})
        assert answer.status_code in (202, 422), (text, answer.text)
        if answer.status_code == 202:
            want = {field: read(text) for field, read in FREE_TEXT.items()}
            want.update(exact=clean(f"x{text}x").strip(), prefix=clean(text), suffix=clean(text))
            expected[answer.json()["report_id"]] = want
        # The fields with rules of their own: refused or accepted, never a 5xx.
        for field, value in (
            ("url", f"{ORIGIN}/{text}"),
            ("lang", text),
            ("client_id", text),
            ("site", text),
        ):
            _post(client, {**report_body("news", "the the"), field: value})
    assert len(expected) > len(NAUGHTY) // 2
    stored = {row.id: row for row in rows(settings, Report)}
    for report_id, want in expected.items():
        got = {field: getattr(stored[report_id], field) for field in want}
        assert got == want, report_id


def test_naughty_strings_in_filters_and_exports(
    newsroom: Newsroom, admin_token: str, editor_client: TestClient
) -> None:
    api = {"authorization": f"Bearer {admin_token}"}
    for index, text in enumerate(NAUGHTY):
        filters = {"q": text, "url": text, "lang": text}
        # The inbox page shares the API's parsing; a third of the list keeps it short.
        pages = [("/api/v1/groups", api)] + ([("/dashboard/", {})] if index % 3 == 0 else [])
        for path, headers in pages:
            answer = editor_client.get(path, params=filters, headers=headers)
            assert answer.status_code in (200, 400, 422), (path, text, answer.text[:200])
        typed = {name: text for name in ("status", "since", "until", "after", "limit")}
        for params in ({"site": text}, typed):
            answer = editor_client.get("/api/v1/groups", params=params, headers=api)
            assert answer.status_code < 500, (params, answer.text[:200])
    for text in NAUGHTY[::10]:  # exports stream: a sample keeps the suite short
        params = {"q": text, "url": text, "format": "json"}
        answer = editor_client.get("/api/v1/export", params=params, headers=api)
        assert answer.status_code in (200, 422), (text, answer.text[:200])
        if answer.status_code == 200:
            json.loads(answer.text)  # complete, not cut off


def test_naughty_strings_in_dashboard_forms(
    newsroom: Newsroom, editor_client: TestClient, settings: Settings
) -> None:
    csrf = editor_client.get("/dashboard/account").text.split('name="csrf-token" content="')[1]
    csrf = csrf.split('"')[0]
    group = newsroom.groups["news"][0]
    notes: list[str] = []
    names: list[str] = []
    for index, text in enumerate(NAUGHTY):
        action = ("fixed", "reopen")[index % 2]
        form = {"csrf_token": csrf, "action": action, "note": text}
        answer = editor_client.post(
            f"/dashboard/groups/{group}/actions", data=form, follow_redirects=False
        )
        assert answer.status_code in (303, 400), (text, answer.status_code)
        if answer.status_code == 303:
            notes.append(without_nul(text).strip())
        if index % 3:  # admin forms: a third of the list each keeps the suite short
            continue
        site = {"csrf_token": csrf, "name": text, "origins": f"https://s{index}.example"}
        answer = editor_client.post("/dashboard/admin/sites", data=site, follow_redirects=False)
        assert answer.status_code < 500, (text, answer.status_code)
        if answer.status_code == 303:
            names.append(without_nul(text).strip())
        editor = {"csrf_token": csrf, "email": text, "role": "editor", "sites": "news"}
        answer = editor_client.post("/dashboard/admin/editors", data=editor, follow_redirects=False)
        assert answer.status_code < 500, (text, answer.status_code)
    assert [event.note for event in rows(settings, GroupEvent)][-len(notes) :] == notes
    assert sorted(names) == sorted(row.name for row in rows(settings, Site)[2:])
