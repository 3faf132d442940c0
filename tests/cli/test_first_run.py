"""The first run: `corrigo demo` twice, on a busy port, `make demo PORT=…`, owner-only files."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.types import ASGIApp

from corrigo.cli import main, server
from corrigo.config import Settings
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`corrigo demo` on a fresh SQLite data folder, up to the point where it would serve."""
    monkeypatch.setenv("CORRIGO_DATA_DIR", str(tmp_path / "data"))
    for name in ("CORRIGO_DATABASE_URL", "CORRIGO_SECRET_KEY", "CORRIGO_RATE_LIMIT_READER"):
        monkeypatch.delenv(name, raising=False)
    served: list[ASGIApp] = []
    monkeypatch.setattr(server, "serve_app", lambda _app, _host, _port: served.append(_app))
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        result = runner.invoke(main, ["demo", *args], catch_exceptions=False)
        result.served = len(served)
        result.app = served[-1] if served else None  # what `corrigo demo` would serve
        return result

    return invoke


def _password(output: str) -> str:
    found = re.search(r"Password\s+(\S+)", output)
    assert found, output
    return found.group(1)


def test_second_demo_keeps_the_password(demo: Any, tmp_path: Path) -> None:
    port = str(free_port())
    first = demo("--port", port)
    assert first.exit_code == 0, first.output
    password = _password(first.output)
    assert len(password) >= 10 and "kept in" in first.output
    second = demo("--port", port)
    assert second.exit_code == 0, second.output
    assert _password(second.output) == password
    kept = tmp_path / "data" / "demo_password"
    assert kept.read_text().strip() == password
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_after_a_reset_the_demo_does_not_print_a_stale_password(
    demo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = str(free_port())
    first = demo("--port", port)
    reset = CliRunner().invoke(main, ["user", "reset", "editor@demo.corrigo.example"])
    assert reset.exit_code == 0, reset.output
    again = demo("--port", port)
    assert _password(first.output) not in again.output
    assert "unchanged (`corrigo user reset editor@demo.corrigo.example` prints a new one)" in (
        again.output
    )


def test_a_busy_port_changes_nothing(demo: Any, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = demo("--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.output
    assert f"make demo PORT={port + 1}" in result.output
    assert result.served == 0
    assert not (tmp_path / "data").exists()  # not even the data folder was made


def test_the_demo_relaxes_the_reader_limit(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Settings] = []
    monkeypatch.setattr(server, "create_app", lambda settings: seen.append(settings))
    result = demo("--port", str(free_port()))
    assert result.exit_code == 0, result.output
    assert seen[0].rate_limit_reader == server.DEMO_READER_LIMIT
    assert re.search(rf"Reader limit +{re.escape(server.DEMO_READER_LIMIT)}\n", result.output)
    # An explicit setting wins.
    monkeypatch.setenv("CORRIGO_RATE_LIMIT_READER", "3/minute")
    demo("--port", str(free_port()))
    assert seen[1].rate_limit_reader == "3/minute"


def test_make_demo_takes_the_port() -> None:
    dry = subprocess.run(
        ["make", "-n", "demo", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "corrigo demo --port 8001" in dry.stdout


def test_data_folder_and_database_are_owner_only(demo: Any, tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask, which would leave files readable by all
    try:
        assert demo("--port", str(free_port())).exit_code == 0
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = list(data.iterdir())
    assert {path.name for path in files} >= {"corrigo.db", "secret_key", "demo_password"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name
