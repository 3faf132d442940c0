"""`corrigo import mistape`: bring a Mistape plugin's reports into Corrigo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.store.mistape import SourceError, csv_rows, import_reports, mysql_rows
from corrigo.store.sites import site_by_key


@click.group("import")
def import_group() -> None:
    """Import reports from other tools."""


@import_group.command("mistape")
@click.option("--mysql", "mysql_url", metavar="URL", help="mysql://user[:password]@host[:port]/db")
@click.option(
    "--csv", "csv_path", type=click.Path(path_type=Path), help="A CSV export of the table."
)
@click.option("--prefix", default="wp_", show_default=True, help="WordPress's table prefix.")
@click.option("--blog-id", type=int, help="Only this blog of a multisite network.")
@click.option("--site", "site_key", required=True, help="The Corrigo site to import into.")
def import_mistape(
    mysql_url: str | None,
    csv_path: Path | None,
    prefix: str,
    blog_id: int | None,
    site_key: str,
) -> None:
    """Import the reports of Mistape's ``mistape_reports`` table (MySQL or CSV).

    Quotes with their context, comments, pages, dates and statuses (pending → open,
    resolved → fixed, archived → rejected, trashed → spam) are kept; readers' IP
    addresses are never read. Running it again imports only rows it has not seen.
    """
    if (mysql_url is None) == (csv_path is None):
        raise click.UsageError("give exactly one of --mysql and --csv")
    settings = settings_or_exit()
    try:
        if mysql_url is not None:
            total, rows = mysql_rows(mysql_url, prefix, blog_id)
        else:
            assert csv_path is not None
            total, rows = csv_rows(csv_path)
    except SourceError as error:
        raise click.ClickException(str(error)) from None
    with store_session(settings) as session:
        site = site_by_key(session, site_key)
        with click.progressbar(length=total, label="importing", file=sys.stderr) as bar:
            summary = import_reports(
                session, site.id, site.public_key, rows, settings.notify_threshold, bar
            )
    click.echo(
        f"read {summary.read} rows: imported {summary.imported} reports "
        f"({summary.new_groups} new groups), {summary.already} already imported, "
        f"{sum(summary.refused.values())} refused"
    )
    for reason, count in sorted(summary.refused.items()):
        click.echo(f"  refused ({reason}): {count}")
    for status, count in sorted(summary.statuses.items()):
        click.echo(f"  groups {status}: {count}")
