"""Shared pieces of the command line: loading settings, opening the store, failing clearly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from sqlalchemy.orm import Session

from corrigo.config import ConfigError, Settings, load_settings
from corrigo.store.admin import AdminError
from corrigo.store.db import make_engine, make_sessionmaker, upgrade


def settings_or_exit() -> Settings:
    """The settings, or exit 2 with the configuration problem."""
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def migrate(settings: Settings) -> None:
    """Bring the schema up to date, or exit with the database's complaint."""
    try:
        upgrade(settings.resolved_database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot migrate the database: {exc}") from None


@contextlib.contextmanager
def store_session(settings: Settings | None = None) -> Iterator[Session]:
    """A migrated store's session, committed on success; AdminError becomes a CLI error."""
    settings = settings or settings_or_exit()
    migrate(settings)
    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                yield session
                session.commit()
            except AdminError as exc:
                session.rollback()
                raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
