"""`corrigo lexicon export|import SITE_KEY FILE`: a site's memory as CSV."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from corrigo.cli.common import store_session
from corrigo.domain.lexicon import LexiconFormatError, from_csv
from corrigo.store.lexicon import export_csv, import_entries
from corrigo.store.sites import site_by_key

MAX_IMPORT = 16 * 1024 * 1024


@click.group()
def lexicon() -> None:
    """A site's memory: misspellings fixed before, and accepted words."""


@lexicon.command("export")
@click.argument("site_key")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def export_lexicon(site_key: str, file: Path) -> None:
    """Write the site's memory as CSV (kind,misspelling,correction,count); - for stdout."""
    with store_session() as session:
        text = export_csv(session, site_by_key(session, site_key).id)
    if str(file) == "-":
        sys.stdout.write(text)
    else:
        file.write_text(text, encoding="utf-8")


@lexicon.command("import")
@click.argument("site_key")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def import_lexicon(site_key: str, file: Path) -> None:
    """Add CSV entries to the site's memory (counts add up); - for stdin. All or nothing."""
    try:
        raw = sys.stdin.read(MAX_IMPORT + 1) if str(file) == "-" else file.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from None
    if len(raw) > MAX_IMPORT:
        raise click.ClickException(f"the file is larger than {MAX_IMPORT} bytes")
    try:
        entries = from_csv(raw)
    except LexiconFormatError as exc:
        raise click.ClickException(str(exc)) from None
    with store_session() as session:
        fixes, words = import_entries(
            session, site_by_key(session, site_key).id, entries, datetime.now(UTC)
        )
    click.echo(f"imported {fixes} corrections and {words} accepted words")
