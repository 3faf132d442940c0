"""Only serve, demo and db upgrade migrate; every other command refuses a schema behind.

On PostgreSQL several processes migrating one database at once take turns under an
advisory lock: the first migrates, the others wait and then find nothing to do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from corrigo.cli import main
from corrigo.store.db import make_engine, schema_state, upgrade
from tests.conftest import SECRET
from tests.workers.receivers import wait_until

BEHIND = "0003"


def _head(url: str) -> str:
    return schema_state(url).head


def _revision(url: str) -> str | None:
    return schema_state(url).current


@pytest.fixture
def run(empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("CORRIGO_DATABASE_URL", empty_url)
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CORRIGO_SECRET_KEY", SECRET)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


# Every command that opens the store, with arguments that would otherwise do something.
COMMANDS = [
    ["site", "list"],
    ["site", "add", "Daily", "--origin", "https://news.example"],
    ["user", "add", "chief@news.example", "--admin"],
    ["token", "create"],
    ["channel", "list"],
    ["connector", "show", "somekey"],
    ["lexicon", "export", "somekey", "out.csv"],
    ["purge"],
    ["verify"],
    ["export"],
    ["worker", "--once"],
    ["proofread", "--site", "somekey", "-"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args[:2]))
def test_a_schema_behind_is_refused_with_one_sentence(
    run: Any, empty_url: str, args: list[str]
) -> None:
    upgrade(empty_url, BEHIND)
    result = run(*args)
    head = _head(empty_url)
    assert result.exit_code != 0
    assert result.output.strip() == (
        f"Error: the database schema is behind this release (at {BEHIND}, needs {head}): "
        "run `corrigo db upgrade`"
    )
    assert _revision(empty_url) == BEHIND  # nothing was migrated


def test_a_database_without_a_schema_is_refused(run: Any, empty_url: str) -> None:
    result = run("site", "list")
    assert result.exit_code == 1
    assert "the database has no schema yet" in result.output
    assert "run `corrigo db upgrade`" in result.output
    assert _revision(empty_url) is None


def test_check_reports_pending_migrations_without_applying_them(run: Any, empty_url: str) -> None:
    upgrade(empty_url, BEHIND)
    result = run("check")
    assert result.exit_code == 1
    head = _head(empty_url)
    pending = schema_state(empty_url).pending
    assert pending[-1] == head and BEHIND not in pending
    assert f"pending: {', '.join(pending)}" in result.output
    assert "spelling dictionaries" in result.output  # the rest of the check still ran
    assert _revision(empty_url) == BEHIND

    upgraded = run("db", "upgrade")
    assert upgraded.exit_code == 0
    assert _revision(empty_url) == head
    current = run("check")
    assert current.exit_code == 0
    assert f"schema at {head} (up to date)" in current.output
    assert run("site", "list").exit_code == 0


def test_a_schema_from_a_newer_release_is_refused(run: Any, empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    result = run("site", "list")
    assert result.exit_code == 1
    assert "the database schema (9999) is newer than this release" in result.output
    assert run("check").exit_code == 1


def _pg_only(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's")


def _db_upgrade(url: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "CORRIGO_DATABASE_URL": url,
        "CORRIGO_DATA_DIR": str(data_dir),
        "CORRIGO_SECRET_KEY": SECRET,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "corrigo.cli", "db", "upgrade"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_processes_migrating_one_postgresql_database_take_turns(
    empty_url: str, tmp_path: Path
) -> None:
    _pg_only(empty_url)
    # Without the lock both would create alembic_version and the first tables at once,
    # and one would fail on a duplicate.
    processes = [_db_upgrade(empty_url, tmp_path / f"data{n}") for n in range(3)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert _revision(empty_url) == _head(empty_url)


def test_a_migration_waits_while_another_holds_the_lock(empty_url: str, tmp_path: Path) -> None:
    _pg_only(empty_url)
    holder = make_engine(empty_url)
    watcher = make_engine(empty_url)
    try:
        with holder.connect() as held:
            # Hold the migration lock, as a server that is migrating does.
            held.execute(text("SELECT pg_advisory_lock(1129271879, 1)"))
            waiting = _db_upgrade(empty_url, tmp_path / "data")

            def blocked() -> bool:
                with watcher.connect() as conn:
                    query = (
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                        "AND NOT granted AND classid = 1129271879 AND objid = 1"
                    )
                    return bool(conn.execute(text(query)).scalar())

            wait_until(blocked, 60, "the second migration to wait for the lock")
            assert _revision(empty_url) is None  # it waits before changing anything
            held.execute(text("SELECT pg_advisory_unlock(1129271879, 1)"))
            held.commit()
        output = waiting.communicate(timeout=120)[0]
        assert waiting.returncode == 0, output
        assert "database is up to date" in output
        assert _revision(empty_url) == _head(empty_url)
    finally:
        holder.dispose()
        watcher.dispose()
