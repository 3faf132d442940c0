"""Hostile bytes and characters through every way text enters: never a 5xx (both databases).

The rules under test (README, "Text that enters"): invalid UTF-8 in a JSON body is
400 ``malformed_json``; U+0000 is removed wherever text enters (JSON, query strings,
forms); ids in forms are ASCII digits within 64 bits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.domain.text import clean_multiline, clean_stripped
from corrigo.store.models import Editor, ErrorGroup, GroupEvent, Report, Site
from tests.api.helpers import rows
from tests.dashboard.helpers import SITES, Newsroom, report_body, sign_in
from tests.hostile import control_characters, invalid_utf8

NEWS_ORIGIN = SITES["news"][1]
# Every filter of the inbox, the API's inbox and the exports.
FILTERS = ("q", "url", "lang", "site", "status", "since", "until", "after", "limit")


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _post_form(client: TestClient, path: str, data: dict[str, object]) -> int:
    """POST a form without following the redirect; the answer's status."""
    return client.post(path, data=data, follow_redirects=False).status_code


def _json_with(field_bytes: bytes, template: dict[str, object], field: str) -> bytes:
    """`template` as JSON with the string value of `field` replaced by raw bytes."""
    marker = "\ue000MARK\ue000"
    text = json.dumps({**template, field: marker}, ensure_ascii=False).encode()
    return text.replace(marker.encode(), field_bytes)


def test_invalid_utf8_in_json_bodies_is_malformed_json_on_every_endpoint(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    group = newsroom.groups["news"][0]
    endpoints = [
        ("/api/v1/reports", report_body("news", "intergration"), "comment", NEWS_ORIGIN),
        (f"/api/v1/groups/{group}/actions", {"action": "fixed"}, "note", None),
        ("/api/v1/groups/actions", {"ids": [group], "action": "fixed"}, "note", None),
        (f"/api/v1/groups/{group}/apply", {"correction": "x", "preview": True}, "correction", None),
    ]
    for path, template, field, origin in endpoints:
        headers = {"content-type": "application/json", **_bearer(admin_token)}
        if origin:
            headers["origin"] = origin
        for bad in invalid_utf8():
            answer = client.post(path, content=_json_with(bad, template, field), headers=headers)
            assert answer.status_code == 400, (path, bad, answer.text)
            assert answer.headers["content-type"] == "application/json"
            assert answer.json()["error"] == "malformed_json"
            if origin:
                assert answer.headers["access-control-allow-origin"] == origin
    # Nothing was decided or stored by any of them.
    detail = client.get(f"/api/v1/groups/{group}", headers=_bearer(admin_token)).json()
    assert detail["status"] == "open" and detail["report_count"] == 1


def test_nul_is_removed_from_report_fields(
    newsroom: Newsroom, app_client: Callable[..., TestClient], settings: Settings
) -> None:
    client = app_client()
    body = report_body(
        "news",
        "inter\x00gration",
        url=NEWS_ORIGIN + "/2024/\x00nul",
        title="Bud\x00get",
        lang="e\x00n",
        author="\x00Olena",
        comment="a\x00b",
        suggestion="integ\x00ration",
        widget_version="1\x00",
    )
    body["site"] = "news\x00"
    answer = client.post("/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN})
    assert answer.status_code == 202, answer.text
    stored = rows(settings, Report)[-1]
    assert (stored.title, stored.author, stored.comment) == ("Budget", "Olena", "ab")
    assert (stored.exact, stored.suggestion, stored.lang) == ("intergration", "integration", "en")
    assert "\x00" not in stored.url


def test_control_characters_in_reports_are_cleaned_never_a_500(
    newsroom: Newsroom, app_client: Callable[..., TestClient], settings: Settings
) -> None:
    client = app_client()
    fields = ("title", "author", "comment", "suggestion", "widget_version")
    sent: list[tuple[int, str]] = []
    for index, char in enumerate(control_characters()):
        field = fields[index % len(fields)]
        text = f"a{char}b"
        body = report_body("news", "intergration", path=f"/cc/{index}", **{field: text})
        answer = client.post("/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN})
        assert answer.status_code == 202, (hex(ord(char)), answer.text)
        sent.append((answer.json()["report_id"], text))
        quoted = report_body("news", f"x{char}y", path=f"/cq/{index}")
        answer = client.post("/api/v1/reports", json=quoted, headers={"origin": NEWS_ORIGIN})
        assert answer.status_code == 202, (hex(ord(char)), answer.text)
    stored = {row.id: row for row in rows(settings, Report)}
    for index, (report_id, text) in enumerate(sent):
        field = fields[index % len(fields)]
        value = getattr(stored[report_id], field)
        expected = clean_multiline(text) if field == "comment" else clean_stripped(text)
        assert value == expected, (field, repr(text), repr(value))
    # Emoji sequences and Persian words keep their joiners.
    joined = report_body("news", "intergration", path="/zwj", comment="👨\u200d🦰 می\u200cخواهم")
    answer = client.post("/api/v1/reports", json=joined, headers={"origin": NEWS_ORIGIN})
    assert rows(settings, Report)[-1].comment == "👨\u200d🦰 می\u200cخواهم"
    assert answer.status_code == 202


def test_nul_and_bad_bytes_in_query_strings_never_answer_5xx(
    newsroom: Newsroom, admin_token: str, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    values = ["%00", "a%00b", "news%00", "%FF%FE", "%C3%28", "%ED%A0%80", "%00%00%00", "%2500"]
    paths = ["/api/v1/groups", "/api/v1/export", "/dashboard/", "/dashboard/export/download"]
    for path in paths:
        for name in FILTERS:
            for value in values:
                answer = client.get(f"{path}?{name}={value}", headers=_bearer(admin_token))
                assert answer.status_code < 500, (path, name, value, answer.text[:200])
    # A filter that is only a NUL away from a real one works as that one, streams and all.
    export = client.get("/api/v1/export?site=news%00&format=json", headers=_bearer(admin_token))
    assert export.status_code == 200
    assert len(json.loads(export.text)) == len(newsroom.groups["news"])
    found = client.get("/api/v1/groups?q=inter%00gration", headers=_bearer(admin_token)).json()
    assert {item["site"] for item in found["items"]} == {"news", "sport"}
    for other in ("/api/v1/deliveries?status=fai%00led&before=1%00", "/dashboard/stats?site=%00"):
        assert client.get(other, headers=_bearer(admin_token)).status_code < 500
    assert client.get("/widget/%00/dialog.css").status_code < 500
    assert client.get("/dashboard/sign-in?next=/dashboard/%00").status_code == 200


def test_nul_is_removed_from_decision_notes_and_dashboard_forms(
    newsroom: Newsroom,
    admin_token: str,
    app_client: Callable[..., TestClient],
    settings: Settings,
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    first, second, third = newsroom.groups["news"]
    api = _bearer(admin_token)
    one = client.post(
        f"/api/v1/groups/{first}/actions", json={"action": "fixed", "note": "a\x00"}, headers=api
    )
    assert one.status_code == 200 and one.json()["status_note"] == "a"
    bulk = {"ids": [second], "action": "reject", "note": "\x00b"}
    assert client.post("/api/v1/groups/actions", json=bulk, headers=api).status_code == 200
    form = {"csrf_token": csrf, "action": "spam", "note": "c\x00"}
    page = client.post(f"/dashboard/groups/{third}/actions", data=form, follow_redirects=False)
    assert page.status_code == 303
    selection = {**form, "action": "reopen", "note": "d\x00", "group": [str(third)]}
    selection["return_to"] = "/dashboard/\x00"
    assert _post_form(client, "/dashboard/actions", selection) == 303
    notes = [event.note for event in rows(settings, GroupEvent)]
    assert notes[-4:] == ["a", "b", "c", "d"]

    site = {
        "csrf_token": csrf,
        "name": "Nul\x00 Times",
        "origins": "https://nul.example\x00",
        "lang": "e\x00n",
    }
    assert _post_form(client, "/dashboard/admin/sites", site) < 500
    assert "Nul Times" in [row.name for row in rows(settings, Site)]
    editor = {
        "csrf_token": csrf,
        "email": "new\x00@corrigo.example",
        "role": "editor",
        "sites": "news",
    }
    assert _post_form(client, "/dashboard/admin/editors", editor) < 500
    assert "new@corrigo.example" in [row.email for row in rows(settings, Editor)]
    channel = {
        "csrf_token": csrf,
        "site": "news\x00",
        "kind": "email",
        "target": "x\x00@news.example",
    }
    assert _post_form(client, "/dashboard/admin/channels", channel) < 500
    language = {"csrf_token": csrf, "lang": "u\x00k"}
    assert (
        client.post(
            "/dashboard/account/language", data=language, follow_redirects=False
        ).status_code
        < 500
    )

    stranger = app_client()
    stranger.get("/dashboard/sign-in")
    attempt = {
        "email": "admin@corrigo\x00.example",
        "password": "x\x00",
        "csrf_token": stranger.cookies.get("corrigo_signin") or "",
        "next": "/dashboard/\x00",
    }
    assert stranger.post("/dashboard/sign-in", data=attempt).status_code == 401
    assert rows(settings, ErrorGroup)


def test_ids_in_forms_are_ascii_digits_within_64_bits(
    newsroom: Newsroom, app_client: Callable[..., TestClient], settings: Settings
) -> None:
    client = app_client()
    csrf = sign_in(client, newsroom.admin)
    target = newsroom.groups["news"][0]
    lookalikes = [
        "²",
        "٣",
        "３",
        "𝟑",
        " 3",
        "3 ",
        "+3",
        "-3",
        "0x3",
        "1_0",
        "3.0",
        "0",
        str(2**63),
        "9" * 40,
    ]
    for raw in [*lookalikes, str(target).replace("1", "¹")]:
        form = {"csrf_token": csrf, "action": "fixed", "group": [raw], "return_to": "/dashboard/"}
        answer = client.post("/dashboard/actions", data=form, follow_redirects=False)
        assert answer.status_code == 400, (raw, answer.status_code)
    assert all(group.status == "open" for group in rows(settings, ErrorGroup))
    form = {
        "csrf_token": csrf,
        "action": "fixed",
        "group": [str(target)],
        "return_to": "/dashboard/",
    }
    assert _post_form(client, "/dashboard/actions", form) == 303
    for raw in ("²", "٣", str(2**64)):
        editor = {"csrf_token": csrf, "role": "editor", "active": "1", "sites": [raw]}
        answer = client.post("/dashboard/admin/editors/2", data=editor, follow_redirects=False)
        assert answer.status_code == 400, raw
    for name, raw in (("limit", "²"), ("limit", "٣"), ("before", "²"), ("n", "٣")):
        for path in ("/api/v1/groups", "/api/v1/deliveries", "/dashboard/"):
            assert client.get(f"{path}?{name}={quote(raw)}").status_code < 500
