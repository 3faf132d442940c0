"""The ingest writer's SQLite connection: its own cache, and checkpoints off its path."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from corrigo.store.db import WRITER_CACHE_KIB, make_writer_engine, upgrade
from corrigo.store.writer import checkpoint
from corrigo.workers.jobs import SQLITE_CHECKPOINT
from corrigo.workers.scheduler import JobContext, run_jobs, seconds
from tests.conftest import settings_for
from tests.workers.receivers import wait_until

PAGE = 4096


def _fill(engine: Engine, rows: int) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO reader_salts (day, salt) VALUES (:day, :salt)"),
            [{"day": f"d{i:07d}", "salt": "s" * 64} for i in range(rows)],
        )


def test_writer_connection_has_a_large_cache_and_no_autocheckpoint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    upgrade(url)
    engine = make_writer_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -WRITER_CACHE_KIB
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
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


def test_the_checkpoint_job_checkpoints_on_its_own_and_stops(
    written: tuple[Path, Engine, int], tmp_path: Path
) -> None:
    path, engine, before = written
    settings = settings_for(tmp_path / "data", f"sqlite:///{path}")
    ctx = JobContext(settings, engine, writer_engine=engine)
    assert SQLITE_CHECKPOINT.wanted(ctx)

    async def scenario() -> None:
        stop = asyncio.Event()
        often = replace(SQLITE_CHECKPOINT, every=seconds(0.05), first=seconds(0.05))
        task = asyncio.create_task(run_jobs([often], ctx, stop))
        await asyncio.to_thread(
            wait_until, lambda: path.stat().st_size > before + 1_000 * PAGE, 20, "a checkpoint"
        )
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())
