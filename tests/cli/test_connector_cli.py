"""`corrigo connector set|show|remove`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from corrigo.cli import main
from corrigo.secretbox import SecretBox
from corrigo.store.db import make_engine
from tests.conftest import SECRET
from tests.workers.receivers import HttpReceiver


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


def test_git_connector_is_tried_before_it_is_saved(run, tmp_path: Path) -> None:
    site = run.site
    missing = run("connector", "set", site, "--git", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and "nothing saved" in missing.output
    assert "has no connector" in run("connector", "show", site).output
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], check=True, capture_output=True)
    (work / "a.md").write_text("text\n")
    git = ["git", "-C", str(work), "-c", "user.name=a", "-c", "user.email=a@b.c"]
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    subprocess.run([*git, "push", "-q", "origin", "HEAD:main"], check=True)
    args = ["--git", str(remote), "--path", "content/{slug}.md", "--map", "/about/=about.html"]
    result = run("connector", "set", site, *args, "--review-branches")
    assert result.exit_code == 0, result.output
    assert "git (branch main at " in result.output
    shown = run("connector", "show", site).output
    assert f"repo: {remote}" in shown and "review_branches: true" in shown
    assert 'map: {"about": "about.html"}' in shown and "secret: none" in shown


def test_fix_webhook_secret_is_shown_once_and_stored_encrypted(run, database_url: str) -> None:
    receiver = HttpReceiver().start()
    try:
        result = run("connector", "set", run.site, "--fix-webhook", receiver.url + "/fix")
    finally:
        receiver.stop()
    assert result.exit_code == 0, result.output
    secret = result.output.split("signing secret (shown once): ")[1].strip()
    assert receiver.received[0].json()["type"] == "ping"
    shown = run("connector", "show", run.site).output
    assert "kind: webhook" in shown and "secret: kept (encrypted)" in shown
    assert secret not in shown
    engine = make_engine(database_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT sealed_secret, options FROM site_connectors")).one()
    engine.dispose()
    assert secret not in str(stored) and stored[0]
    assert SecretBox(SECRET).open(stored[0]) == secret


def test_wordpress_needs_a_user(run) -> None:
    result = run("connector", "set", run.site, "--wordpress", "http://127.0.0.1:9")
    assert result.exit_code == 2 and "--user" in result.output
