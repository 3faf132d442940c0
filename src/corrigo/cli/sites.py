"""`corrigo site add|list`."""

from __future__ import annotations

import click
from sqlalchemy import select

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.store.admin import create_site
from corrigo.store.models import Site


@click.group()
def site() -> None:
    """Manage sites (publications)."""


@site.command("add")
@click.argument("name")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    required=True,
    help="Origin the site's pages are served from, e.g. https://news.example. Repeat for more.",
)
@click.option("--lang", default="en", show_default=True, help="Default language (BCP 47).")
def site_add(name: str, origins: tuple[str, ...], lang: str) -> None:
    """Add a site; prints its key and the snippet to embed."""
    settings = settings_or_exit()
    with store_session(settings) as session:
        new = create_site(session, name, list(origins), lang)
        key = new.public_key
    click.echo(f"site key: {key}")
    click.echo("embed this in every article page:")
    click.echo(f'<script src="{settings.base_url}/widget.js" data-site="{key}" defer></script>')


@site.command("list")
def site_list() -> None:
    """List sites with their keys and allowed origins."""
    with store_session() as session:
        for row in session.execute(select(Site).order_by(Site.id)).scalars():
            click.echo(
                f"{row.public_key}\t{row.name}\t{row.default_lang}\t{' '.join(row.allowed_origins)}"
            )
