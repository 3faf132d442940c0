"""`corrigo user reset EMAIL`: a new password that works, the old one and old sessions gone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from corrigo.cli import main
from tests.conftest import SECRET
from tests.dashboard.helpers import PASSWORD, Newsroom, sign_in


@pytest.fixture
def cli(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


def test_reset_prints_a_working_password_and_ends_sessions(
    newsroom: Newsroom, cli: Callable[..., Result], app_client: Callable[..., TestClient]
) -> None:
    old_session = app_client()
    sign_in(old_session, newsroom.editors["news"])
    result = cli("user", "reset", "  NEWS@corrigo.example ")
    assert result.exit_code == 0, result.output
    password = result.output.split("password: ")[1].strip()
    assert len(password) >= 10 and password != PASSWORD
    assert old_session.get("/dashboard/", follow_redirects=False).status_code == 303
    sign_in(app_client(), newsroom.editors["news"], password)
    fresh = app_client()
    fresh.get("/dashboard/sign-in")
    refused = fresh.post(
        "/dashboard/sign-in",
        data={
            "email": newsroom.editors["news"],
            "password": PASSWORD,
            "csrf_token": fresh.cookies.get("corrigo_signin") or "",
        },
    )
    assert refused.status_code == 401


def test_reset_of_an_unknown_address_fails_clearly(
    newsroom: Newsroom, cli: Callable[..., Result]
) -> None:
    result = cli("user", "reset", "ghost@corrigo.example")
    assert result.exit_code != 0
    assert "no editor has the address ghost@corrigo.example" in result.output
