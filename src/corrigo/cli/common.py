"""Shared pieces of the command line: loading settings, opening the store, failing clearly."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from sqlalchemy.orm import Session

from corrigo.config import ConfigError, Settings, load_settings
from corrigo.store.db import (
    SchemaError,
    make_engine,
    make_sessionmaker,
    require_current_schema,
    upgrade,
)
from corrigo.store.errors import AdminError


def settings_or_exit() -> Settings:
    """The settings, or exit 2 with the configuration problem."""
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def migrate(settings: Settings) -> None:
    """Bring the schema up to date, or exit with the database's complaint.

    Only `corrigo serve`, `corrigo demo`, `corrigo db upgrade` (and `corrigo restore`,
    for the file it puts back) call this; every other command needs a current schema.
    """
    try:
        upgrade(settings.resolved_database_url)
    except Exception as exc:
        raise click.ClickException(f"cannot migrate the database: {exc}") from None


def require_current(settings: Settings) -> None:
    """Exit non-zero with one sentence unless the schema is this release's newest.

    Commands other than serve, demo and db upgrade never migrate: an upgrade is a
    step an operator takes on purpose (after a backup), not a side effect of `site list`.
    """
    try:
        require_current_schema(settings.resolved_database_url)
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # unreachable, refused, bad credentials…
        raise click.ClickException(f"cannot read the database: {exc}") from None


@contextlib.contextmanager
def store_session(settings: Settings | None = None) -> Iterator[Session]:
    """A session on a store whose schema is current, committed on success.

    AdminError becomes a CLI error; a schema that is behind exits (see `require_current`).
    """
    settings = settings or settings_or_exit()
    require_current(settings)
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
