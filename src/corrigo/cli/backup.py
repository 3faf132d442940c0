"""`corrigo backup FILE` and `corrigo restore FILE` for SQLite stores."""

from __future__ import annotations

from pathlib import Path

import click

from corrigo.cli.common import migrate, settings_or_exit
from corrigo.store.backup import BackupError, backup_sqlite, restore_sqlite, sqlite_path


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the SQLite store to FILE, consistently, while the server keeps running."""
    settings = settings_or_exit()
    try:
        size = backup_sqlite(sqlite_path(settings.resolved_database_url), file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backed up to {file} ({size} bytes)")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(file: Path) -> None:
    """Replace the SQLite store with the backup in FILE (stop the server first)."""
    settings = settings_or_exit()
    try:
        restore_sqlite(file, sqlite_path(settings.resolved_database_url))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    # Part of restoring: a backup made by an older release is brought up to this
    # release's schema, so that the store it restores is ready for `corrigo serve`.
    migrate(settings)
    click.echo(f"restored from {file}")
