"""A full disk under a SQLite store: 503 with Retry-After, never a 202 unstored, then recovery.

The store lives on a small tmpfs mounted for the test (root is needed to mount it;
without root the test is skipped and says why).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.store.models import Report
from tests.conftest import NEWS_ORIGIN, LiveServer, settings_for
from tests.dashboard.helpers import report_body, setup_newsroom

# Room for the store, and for the write-ahead log that grows to its high-water mark while
# the disk is full (every commit also updates the statistics' rollups: 3 MB was too tight).
DISK = "4M"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of a few megabytes, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run the suite as root to test a full disk")
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(mount_point)], check=True
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _fill(folder: Path) -> Path:
    """A file that takes every free byte of `folder`'s filesystem but a few kilobytes."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * max(0, free - 16 * 1024))
    return filler


def _post(client: httpx.Client, index: int) -> httpx.Response:
    body = report_body("news", "intergration", path=f"/full/{index}", comment="x" * 900)
    body["client_id"] = uuid.uuid4().hex
    return client.post("/api/v1/reports", json=body, headers={"origin": NEWS_ORIGIN})


def test_a_full_disk_answers_503_stores_every_202_and_recovers_by_itself(
    small_disk: Path,
    sqlite_template: Path,
    live_server_factory: Callable[[Settings], LiveServer],
) -> None:
    database = small_disk / "corrigo.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite:///{database}"
    settings = settings_for(small_disk / "data", url, workers_in_process=False)
    setup_newsroom(settings)
    server = live_server_factory(settings)
    accepted: list[int] = []
    refused: list[httpx.Response] = []
    with httpx.Client(base_url=server.url, timeout=30) as client:
        assert _post(client, 0).status_code == 202
        filler = _fill(small_disk)
        for index in range(1, 400):
            answer = _post(client, index)
            assert answer.status_code in (202, 503), answer.text
            if answer.status_code == 202:
                accepted.append(answer.json()["report_id"])
            else:
                refused.append(answer)
                if len(refused) >= 5:
                    break
        assert len(refused) >= 5, "the disk never filled up"
        for answer in refused:
            assert answer.headers["content-type"] == "application/json"
            assert answer.json()["error"] == "unavailable"
            assert int(answer.headers["retry-after"]) > 0
        assert client.get("/healthz").status_code in (200, 503)

        filler.unlink()
        recovered = [_post(client, 1000 + index).status_code for index in range(20)]
        assert recovered[-10:] == [202] * 10, recovered
        accepted_after = _post(client, 2000)
        assert accepted_after.status_code == 202
        accepted.append(accepted_after.json()["report_id"])
    engine = make_engine(url)
    with engine.connect() as conn:
        stored = set(conn.execute(select(Report.id)).scalars())
    engine.dispose()
    assert set(accepted) <= stored
