"""Engines and sessions for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import CursorResult, Engine, Result, Row, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
WRITER_CACHE_KIB = 64 * 1024
WAL_LIMIT_BYTES = 64 * 1024 * 1024


# A result row of any shape (SQLAlchemy types rows by their columns).
AnyRow: TypeAlias = Row[*tuple[Any, ...]]


def affected(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE changed (its result is always a CursorResult)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return url.startswith("sqlite")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; NORMAL is durable against
    # process crashes in WAL mode, which is what "committed" promises here.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_writer_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The ingest writer's connection: a page cache that holds the hot index pages
    # (the default 2 MB does not), and no checkpoints inside its commits, where
    # they would hold up the reports waiting for that commit: the writer checkpoints
    # between batches (`corrigo.store.writer`). After a burst, the log file is cut back.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA cache_size=-{WRITER_CACHE_KIB}")
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
    cursor.close()


def make_writer_engine(url: str) -> Engine:
    """An engine for the ingest writer and its checkpoints, apart from the request handlers."""
    if not is_sqlite(url):
        return make_engine(url, pool_size=2, max_overflow=2)
    engine = make_engine(url)
    event.listen(engine, "connect", _sqlite_writer_pragmas)
    return engine


def _create_private_file(url: str) -> None:
    """Create a new SQLite file readable by its owner only, before SQLite opens it.

    SQLite gives the -wal and -shm files it makes later the main file's permissions.
    """
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the settings each backend needs."""
    if is_sqlite(url):
        _create_private_file(url)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def ping(engine: Engine) -> None:
    """Ask the database for one trivial row; raises when it cannot be reached."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the packaged migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (the newest by default).

    On PostgreSQL the migrations run under an advisory lock (see migrations/env.py):
    several servers starting at once migrate one after the other, and the later ones
    find nothing left to do.
    """
    command.upgrade(alembic_config(url), revision)


class SchemaError(Exception):
    """The database's schema is not the one this release needs; the message says what to do."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database's schema stands against this release's migrations."""

    current: str | None  # None: no schema at all
    head: str
    pending: tuple[str, ...]  # oldest first
    known: bool  # False: `current` comes from a newer release

    @property
    def up_to_date(self) -> bool:
        """Whether nothing is pending and the revision is one of this release's."""
        return self.known and not self.pending

    def problem(self) -> str | None:
        """One sentence saying what is wrong and what to run, or None when up to date."""
        if not self.known:
            return (
                f"the database schema ({self.current}) is newer than this release "
                f"(needs {self.head}): run the release that migrated it"
            )
        if not self.pending:
            return None
        if self.current is None:
            return f"the database has no schema yet (needs {self.head}): run `corrigo db upgrade`"
        return (
            f"the database schema is behind this release (at {self.current}, needs "
            f"{self.head}): run `corrigo db upgrade`"
        )


def schema_state(url: str) -> SchemaState:
    """Read the database's revision and compare it with this release's, changing nothing."""
    script = ScriptDirectory.from_config(alembic_config(url))
    head = script.get_current_head()
    assert head is not None  # the package always ships its migrations
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    if current is not None:
        try:
            script.get_revision(current)
        except CommandError:  # not one of ours: a newer release migrated this database
            return SchemaState(current, head, (), known=False)
    pending = tuple(
        reversed([rev.revision for rev in script.iterate_revisions(head, current or "base")])
    )
    return SchemaState(current, head, pending, known=True)


def require_current_schema(url: str) -> None:
    """SchemaError unless the database is exactly at this release's newest revision."""
    problem = schema_state(url).problem()
    if problem is not None:
        raise SchemaError(problem)
