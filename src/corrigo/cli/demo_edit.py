"""`corrigo demo-edit`: change a demo article's text, as a newsroom would in its CMS."""

from __future__ import annotations

import click

from corrigo.cli.common import settings_or_exit
from corrigo.demo.articles import BY_SLUG
from corrigo.demo.library import DemoLibrary, StaleVersion, version_of


@click.command("demo-edit")
@click.argument("slug", type=click.Choice(sorted(BY_SLUG)))
@click.argument("old")
@click.argument("new")
def demo_edit(slug: str, old: str, new: str) -> None:
    """Replace the first OLD in the demo article SLUG's body with NEW.

    Nobody decides anything in Corrigo: the page checker notices the change on
    the live page and closes the misprint's group by itself (within a minute
    in the demo), e.g. `corrigo demo-edit bridge-reopens intergration integration`.
    """
    library = DemoLibrary.in_data_dir(settings_or_exit().data_dir)
    body = library.read(slug)
    if old not in body:
        raise click.ClickException(f"{old!r} is not in the article {slug}")
    try:
        library.write(slug, body.replace(old, new, 1), version_of(body))
    except StaleVersion:
        raise click.ClickException("the article changed meanwhile; try again") from None
    click.echo(f"{slug}: {old} → {new}")
