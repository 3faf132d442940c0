"""`corrigo verify`: check groups' pages now and print what was found."""

from __future__ import annotations

import asyncio

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.store.checks import groups_to_verify
from corrigo.store.db import make_engine
from corrigo.store.sites import site_by_key
from corrigo.workers.checker import verify_groups


@click.command()
@click.option("--site", "site_key", default=None, help="Only this site's groups (its key).")
@click.option("--group", "group_ids", type=int, multiple=True, help="This group. Repeat for more.")
@click.option("--all", "every", is_flag=True, help="Every group, not only the open ones.")
def verify(site_key: str | None, group_ids: tuple[int, ...], every: bool) -> None:
    """Check the pages of open groups now (or of the given ones); one line per group.

    Prints the group's id, the outcome (present, corrected, missing,
    unreachable) and the page's address; an open group found corrected is
    fixed by the checker, as in the workers' own rounds.
    """
    settings = settings_or_exit()
    with store_session(settings) as session:
        site_id = site_by_key(session, site_key).id if site_key else None
        wanted = groups_to_verify(session.connection(), site_id, list(group_ids), every)
    engine = make_engine(settings.resolved_database_url)
    try:
        asyncio.run(verify_groups(settings, engine, [row.id for row in wanted]))
        with engine.connect() as conn:
            for row in groups_to_verify(conn, None, [row.id for row in wanted], True):
                click.echo(f"{row.id}\t{row.check_outcome or 'unchecked'}\t{row.url}")
    finally:
        engine.dispose()
