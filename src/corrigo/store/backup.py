"""Consistent copies of a live SQLite store, and putting one back (SQLite's online backup API).

PostgreSQL stores are backed up with PostgreSQL's own tools (README, "Backups").
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The store or the file cannot be backed up or restored; the message says why."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite database URL; BackupError for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(
            "corrigo backup and restore copy SQLite stores; back up PostgreSQL with "
            "pg_dump and restore it with pg_restore (see the README)"
        )
    return Path(parsed.database)


@contextlib.contextmanager
def _connection(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy the store at `database` to `target`, consistently even under load; its size.

    The copy is made in one step of the online backup API, which reads one snapshot
    while the server goes on writing (in WAL mode writers do not wait for it). It is
    written beside `target` and renamed into place, so `target` is never half a copy.
    """
    if not database.exists():
        raise BackupError(f"there is no store at {database}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with _connection(database) as source, _connection(partial) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    os.chmod(partial, 0o600)  # it holds password hashes and reports
    os.replace(partial, target)
    return target.stat().st_size


def _check_backup(path: Path) -> None:
    """BackupError unless `path` is an intact Corrigo store."""
    try:
        with _connection(path) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (integrity check failed)")
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a Corrigo backup ({error})") from None


def restore_sqlite(source: Path, database: Path) -> None:
    """Replace the store at `database` with the backup at `source` (checked first)."""
    _check_backup(source)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _connection(source) as backup, _connection(database) as store:
        backup.backup(store)
