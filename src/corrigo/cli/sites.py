"""`corrigo site add|edit|list`."""

from __future__ import annotations

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.domain.embed import embed_snippet
from corrigo.store.admin import create_site
from corrigo.store.site_settings import interval_text, set_check_settings
from corrigo.store.sites import site_by_key, sites_of

ARTICLE_HELP = (
    "CSS selector of the article element, for the widget and the page checker "
    "(default: [itemprop=articleBody], article, main, body)."
)
INTERVAL_HELP = "How often open misprints' pages are checked: 30m, 6h, 2d, off (default: server's)."


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
@click.option("--article", default="", help=ARTICLE_HELP)
@click.option("--verify-interval", "interval", default="", help=INTERVAL_HELP)
@click.option(
    "--force", is_flag=True, help="Add it even if a site of this name has one of these origins."
)
def site_add(
    name: str, origins: tuple[str, ...], lang: str, article: str, interval: str, force: bool
) -> None:
    """Add a site; prints its key and the snippet to embed."""
    settings = settings_or_exit()
    with store_session(settings) as session:
        new = create_site(session, name, list(origins), lang, refuse_duplicate=not force)
        set_check_settings(session, new.id, article, interval)
        key, selector = new.public_key, new.article_selector
    click.echo(f"site key: {key}")
    click.echo("embed this in every article page:")
    click.echo(embed_snippet(settings.base_url, key, selector))


@site.command("edit")
@click.argument("key")
@click.option("--article", default=None, help=ARTICLE_HELP + ' "" clears it.')
@click.option("--verify-interval", "interval", default=None, help=INTERVAL_HELP + ' "" clears it.')
def site_edit(key: str, article: str | None, interval: str | None) -> None:
    """Change a site's article selector or page-check interval."""
    with store_session() as session:
        found = site_by_key(session, key)
        set_check_settings(
            session,
            found.id,
            found.article_selector or "" if article is None else article,
            interval_text(found) if interval is None else interval,
        )
        click.echo(
            f"{found.public_key}\tarticle: {found.article_selector or '(default)'}"
            f"\tcheck every: {interval_text(found) or '(default)'}"
        )


@site.command("list")
def site_list() -> None:
    """List sites with their keys and allowed origins."""
    with store_session() as session:
        for row in sites_of(session, None, by_id=True):
            click.echo(
                f"{row.public_key}\t{row.name}\t{row.default_lang}\t{' '.join(row.allowed_origins)}"
            )
