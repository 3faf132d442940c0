"""`corrigo export` on both databases: formats, filters, files, clear errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session

from corrigo.cli import main
from corrigo.store.export import GROUP_COLUMNS
from tests.conftest import SECRET
from tests.store.seeding import add_group, two_sites

WHEN = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["export", *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def store(db_session: Session) -> None:
    news, sport = two_sites(db_session)
    add_group(db_session, news, "=1+1", [WHEN, WHEN], comments=["@SUM(A1)", "fine"])
    add_group(db_session, news, "teh", [datetime(2025, 1, 1, tzinfo=UTC)], status="fixed")
    add_group(db_session, sport, "goall", [WHEN], url="https://sport.example/football/x")
    db_session.commit()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_groups_as_csv_on_stdout(run: Any, store: None) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ",".join(GROUP_COLUMNS)
    rows = csv_rows(result.output)
    assert [row["exact"] for row in rows] == ["'=1+1", "teh", "goall"]
    assert not result.output.startswith("\ufeff")


def test_reports_as_json_with_filters(run: Any, store: None) -> None:
    data = json.loads(run("--what", "reports", "--format", "json", "--site", "news").output)
    assert [(item["exact"], item["comment"]) for item in data] == [
        ("=1+1", "@SUM(A1)"),
        ("=1+1", "fine"),
        ("teh", ""),
    ]
    assert json.loads(run("--format", "json", "--status", "fixed").output)[0]["exact"] == "teh"
    since = json.loads(run("--format", "json", "--since", "2026-03-01").output)
    assert [item["exact"] for item in since] == ["=1+1", "goall"]
    assert json.loads(run("--format", "json", "--until", "2025-12-31").output)[0]["exact"] == "teh"
    found = json.loads(run("--what", "reports", "--format", "json", "--search", "sum(").output)
    assert [item["comment"] for item in found] == ["@SUM(A1)", "fine"]
    prefix = run("--format", "json", "--url-prefix", "https://sport.example/football/").output
    assert [item["site"] for item in json.loads(prefix)] == ["sport"]
    assert json.loads(run("--format", "json", "--lang", "uk").output) == []


def test_output_to_a_file(run: Any, store: None, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run("--what", "reports", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    rows = csv_rows(target.read_text(encoding="utf-8"))
    assert [row["comment"] for row in rows] == ["'@SUM(A1)", "fine", "", ""]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "missing"], "no site has the key 'missing'"),
        (["--format", "xlsx"], "'xlsx' is not one of 'csv', 'json'"),
        (["--since", "yesterday"], "does not match the format '%Y-%m-%d'"),
        (["--since", "2026-03-02", "--until", "2026-03-01"], "before its start"),
        (["--search", "x" * 201], "at most 200 characters"),
    ],
)
def test_clear_errors(run: Any, store: None, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
