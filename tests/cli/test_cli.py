"""The `corrigo` command line against both databases."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.http.app import create_app
from tests.conftest import SECRET


@pytest.fixture
def run(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CORRIGO_DATABASE_URL", database_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(main, list(args), input=stdin, catch_exceptions=False)

    return invoke


def test_site_add_prints_key_and_snippet_and_lists(run) -> None:
    result = run(
        "site",
        "add",
        "Daily News",
        "--origin",
        "https://news.example",
        "--origin",
        "https://*.news.example",
        "--lang",
        "uk",
    )
    assert result.exit_code == 0, result.output
    key = result.output.split("site key: ")[1].split()[0]
    assert f'data-site="{key}"' in result.output
    assert "/widget.js" in result.output
    listing = run("site", "list")
    assert key in listing.output
    assert "https://*.news.example https://news.example" in listing.output
    assert "\tuk\t" in listing.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["site", "add", "X", "--origin", "news.example"], "not an origin"),
        (["site", "add", "X", "--origin", "https://a.example", "--lang", "english"], "BCP 47"),
        (["site", "add", "X"], "Missing option '--origin'"),
        (["user", "add", "nobody"], "--site"),
        (["user", "add", "a@b.example", "--site", "missing-key"], "no site has the key"),
    ],
)
def test_clear_errors_and_nonzero_exit(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code != 0
    assert message in result.output


def test_user_add_with_generated_and_stdin_passwords(run) -> None:
    result = run("user", "add", "Chief@News.example", "--admin")
    assert result.exit_code == 0
    assert "editor chief@news.example added" in result.output
    assert len(result.output.split("password: ")[1].strip()) >= 20
    piped = run(
        "user",
        "add",
        "desk@news.example",
        "--admin",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert piped.exit_code == 0
    assert "password:" not in piped.output
    again = run("user", "add", "desk@news.example", "--admin")
    assert again.exit_code != 0
    assert "exists already" in again.output
    short = run("user", "add", "x@news.example", "--admin", "--password-stdin", stdin="short\n")
    assert short.exit_code != 0


def test_token_create_gives_api_access(run, make_settings) -> None:
    token = run("token", "create").output.strip()
    assert token.startswith("cgo_")
    settings: Settings = make_settings()
    with TestClient(create_app(settings)) as client:
        assert (
            client.get("/api/v1/groups", headers={"authorization": f"Bearer {token}"}).status_code
            == 200
        )
        assert (
            client.get("/api/v1/groups", headers={"authorization": "Bearer cgo_wrong"}).status_code
            == 401
        )


def test_db_upgrade_and_check(run) -> None:
    assert run("db", "upgrade").exit_code == 0
    assert "ok" in run("check").output


def test_bad_configuration_exits_with_the_reason(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIGO_RATE_LIMIT_SITE", "fast")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code != 0
    assert "CORRIGO_RATE_LIMIT_SITE" in result.output


def test_every_command_has_help(run) -> None:
    import click

    def walk(group: click.Group, path: list[str]):
        for name, command in group.commands.items():
            yield [*path, name]
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    paths = list(walk(main, []))
    assert ["site", "add"] in paths
    for path in paths:
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_site_add_refuses_a_duplicate_unless_forced(run) -> None:
    first = run("site", "add", "Daily News", "--origin", "https://news.example")
    assert first.exit_code == 0, first.output
    key = first.output.split("site key: ")[1].split()[0]
    # Same name (other case and spacing) and a shared origin: the same site.
    again = run(
        "site",
        "add",
        " daily  NEWS ",
        "--origin",
        "https://NEWS.example",
        "--origin",
        "https://x.example",
    )
    assert again.exit_code == 1
    assert f"the site 'Daily News' ({key}) already has this name and origin" in again.output
    assert "--force" in again.output
    # Another origin, or another name, is another site; --force adds it anyway.
    assert run("site", "add", "Daily News", "--origin", "https://other.example").exit_code == 0
    assert run("site", "add", "Weekly News", "--origin", "https://news.example").exit_code == 0
    forced = run("site", "add", "Daily News", "--origin", "https://news.example", "--force")
    assert forced.exit_code == 0, forced.output
    listed = run("site", "list").output.splitlines()
    assert sum("\tDaily News\t" in line for line in listed) == 3
