"""`corrigo connector set|show|remove`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from corrigo.cli import main
from tests.conftest import SECRET


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    key = invoke("site", "add", "News", "--origin", "https://news.example").output
    invoke.site = key.split("site key: ")[1].split()[0]  # type: ignore[attr-defined]
    return invoke


def test_set_show_remove_demo(run) -> None:
    site = run.site
    assert "has no connector" in run("connector", "show", site).output
    result = run("connector", "set", site, "--demo")
    assert result.exit_code == 0, result.output
    assert f"connector set for {site}: demo" in result.output
    shown = run("connector", "show", site).output
    assert "kind: demo" in shown and "secret: none" in shown
    assert "removed" in run("connector", "remove", site).output
    assert "had no connector" in run("connector", "remove", site).output


def test_set_needs_exactly_one_kind_and_a_known_site(run) -> None:
    assert run("connector", "set", run.site).exit_code == 2
    unknown = run("connector", "set", "nope", "--demo")
    assert unknown.exit_code == 1 and "no site has the key" in unknown.output
