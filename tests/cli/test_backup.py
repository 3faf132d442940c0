"""`corrigo backup` under load, `corrigo restore` into a server that then serves the data."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from corrigo.cli import main
from corrigo.config import Settings
from corrigo.store.db import make_engine, make_sessionmaker, schema_state, upgrade
from corrigo.store.tokens import create_token
from tests.conftest import NEWS_ORIGIN, SECRET, LiveServer, settings_for
from tests.dashboard.helpers import report_body, setup_newsroom


def _cli(data_dir: Path, url: str, *args: str) -> tuple[int, str]:
    env = {"CORRIGO_DATABASE_URL": url, "CORRIGO_DATA_DIR": str(data_dir)}
    result = CliRunner().invoke(main, list(args), env={**env, "CORRIGO_SECRET_KEY": SECRET})
    return result.exit_code, result.output


class Load:
    """Threads posting reports to a server until stopped; counts the 202s."""

    def __init__(self, url: str, threads: int = 4) -> None:
        self.url = url
        self.accepted = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            index = 0
            while not self._stop.is_set():
                index += 1
                body = report_body("news", "intergration", path=f"/load/{index % 40}")
                body["client_id"] = uuid.uuid4().hex
                answer = client.post("/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN})
                assert answer.status_code == 202, answer.text
                with self._lock:
                    self.accepted += 1

    def stop(self) -> None:
        """Stop posting and wait for the threads."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def test_backup_under_load_restores_into_a_working_server(
    tmp_path: Path, sqlite_url: str, live_server_factory: Callable[[Settings], LiveServer]
) -> None:
    settings = settings_for(tmp_path / "data", sqlite_url, workers_in_process=False)
    setup_newsroom(settings)
    engine = make_engine(sqlite_url)
    with make_sessionmaker(engine)() as session:
        token = create_token(session, "backup test")
        session.commit()
    engine.dispose()
    server = live_server_factory(settings)
    load = Load(server.url)
    try:
        with httpx.Client(base_url=server.url) as probe:
            while load.accepted < 30:
                assert probe.get("/healthz").status_code == 200
        copy = tmp_path / "backups" / "corrigo-backup.db"
        copy.parent.mkdir()
        code, output = _cli(tmp_path / "data", sqlite_url, "backup", str(copy))
        assert code == 0, output
        assert load.accepted > 0
    finally:
        load.stop()
    assert copy.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM outbox WHERE report_id IS NOT NULL").fetchone()
    assert 0 < reports <= load.accepted
    assert outbox[0] > 0  # reports and their outbox rows were copied from one snapshot

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'corrigo.db'}"
    code, output = _cli(tmp_path / "restored", restored_url, "restore", str(copy))
    assert code == 0, output
    restored = live_server_factory(
        settings_for(tmp_path / "restored", restored_url, workers_in_process=False)
    )
    with httpx.Client(base_url=restored.url) as client:
        auth = {"authorization": f"Bearer {token}"}
        export = client.get("/api/v1/export?what=reports&format=json&site=news", headers=auth)
        assert export.status_code == 200
        assert len(export.json()) == reports
        more = report_body("news", "the the")
        answer = client.post("/api/v1/reports", json=more, headers={"origin": NEWS_ORIGIN})
        assert answer.status_code == 202


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path, sqlite_url: str) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    code, output = _cli(tmp_path / "data", sqlite_url, "restore", str(junk))
    assert code == 1 and "not a Corrigo backup" in output
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    code, output = _cli(tmp_path / "data", sqlite_url, "restore", str(empty))
    assert code == 1 and "not a Corrigo backup" in output


def test_restore_brings_an_older_backup_up_to_date(tmp_path: Path, sqlite_url: str) -> None:
    # Restoring is one of the steps that migrate: the store it puts back is ready to serve.
    old = tmp_path / "old.db"
    upgrade(f"sqlite:///{old}", "0003")
    code, output = _cli(tmp_path / "data", sqlite_url, "restore", str(old))
    assert code == 0, output
    state = schema_state(sqlite_url)
    assert state.up_to_date
    code, output = _cli(tmp_path / "data", sqlite_url, "site", "list")
    assert code == 0, output


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_is_backed_up_with_its_own_tools(
    command: str, tmp_path: Path, pg_database: str
) -> None:
    target = tmp_path / "file.db"
    target.write_bytes(b"")
    code, output = _cli(tmp_path / "data", pg_database, command, str(target))
    assert code == 1 and "pg_dump" in output
