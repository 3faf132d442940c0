"""The ingest writer's SQLite connection: its own cache, and checkpoints off its path."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from corrigo.domain.report import decode, validate
from corrigo.store.admin import create_site
from corrigo.store.db import (
    WAL_LIMIT_BYTES,
    WRITER_CACHE_KIB,
    make_engine,
    make_sessionmaker,
    make_writer_engine,
    upgrade,
)
from corrigo.store.ingest import ReportJob
from corrigo.store.writer import ReportWriter, checkpoint

PAGE = 4096


def _fill(engine: Engine, rows: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO reader_salts (day, salt) VALUES (:day, :salt)"),
            [{"day": f"d{i:07d}", "salt": "s" * 64} for i in range(rows)],
        )


def test_writer_connection_has_a_big_cache_no_autocheckpoint_a_log_limit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    engine = make_writer_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITER_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == WAL_LIMIT_BYTES
    engine.dispose()


@pytest.fixture
def written(tmp_path: Path) -> Iterator[tuple[Path, Engine, int]]:
    """A database file, its size before, and the writer engine that then wrote to it.

    The engine stays open: the last connection to close checkpoints anyway.
    """
    path = tmp_path / "w.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    before = path.stat().st_size
    engine = make_writer_engine(url)
    _fill(engine, 100_000)  # several MB: far past SQLite's usual checkpoint at 1,000 pages
    yield path, engine, before
    engine.dispose()


def test_a_checkpoint_moves_the_log_into_the_database_file(
    written: tuple[Path, Engine, int],
) -> None:
    path, engine, before = written
    assert Path(f"{path}-wal").stat().st_size > 1_500 * PAGE
    assert path.stat().st_size == before  # the writer's commits checkpointed nothing

    checkpoint(engine)
    assert path.stat().st_size > before + 1_000 * PAGE
    with engine.connect() as conn:
        busy, logged, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    assert (busy, copied) == (0, logged)


def test_the_writer_checkpoints_between_batches_so_its_log_starts_over(tmp_path: Path) -> None:
    # A checkpoint beside a busy writer never reaches the end of the log, which then grew
    # by every commit (50 MB a second under a flood); past `restart_pages` the writer
    # copies the rest itself, between batches, and the log starts over.
    path = tmp_path / "w.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    with make_sessionmaker(make_engine(url)).begin() as session:
        site_id = create_site(session, "News", ["https://news.example"], public_key="news").id
    engine = make_writer_engine(url)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _conn: commits.append(1))
    writer = ReportWriter(engine, lambda: 3, checkpoint_every=0.02, restart_pages=100)

    def job(number: int) -> ReportJob:
        body = {
            "site": "news",
            "url": f"https://news.example/{number % 7}",
            "quote": {"exact": "intergration", "prefix": "The ", "suffix": " of"},
            "client_id": f"reader-{number:08d}",
        }
        report = validate(decode(json.dumps(body).encode()))
        return ReportJob(site_id, report, "", datetime.now(UTC))

    async def one_at_a_time(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        number = 0
        while time.monotonic() < deadline:
            await writer.submit(job(number))
            number += 1

    writer.start()
    try:
        asyncio.run(one_at_a_time(1.5))
        log_size = Path(f"{path}-wal").stat().st_size
    finally:
        writer.stop()
    assert len(commits) > 100
    # Each commit logs several pages (16 here): without restarts the log would hold them
    # all; started over every 100 pages or so, it stays a few hundred pages long.
    assert log_size < len(commits) * PAGE / 2
