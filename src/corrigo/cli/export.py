"""`corrigo export`: groups or reports as CSV or JSON, filtered like the inbox."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from corrigo.cli.common import require_current, settings_or_exit
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.errors import AdminError
from corrigo.store.export import FORMATS, WHATS, Format, What, export_chunks
from corrigo.store.inbox import STATUS_ORDER, InboxError, InboxFilter
from corrigo.store.sites import site_by_key


def _day(_ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--what", type=click.Choice(WHATS), default="groups", show_default=True)
@click.option("--site", "site_key", help="Only this site (its public key).")
# The statuses' values: given the enum itself, click offers the members' names (OPEN, …).
@click.option(
    "--status",
    type=click.Choice([status.value for status in STATUS_ORDER]),
    help="Only groups with this status.",
)
@click.option("--lang", default="", help="Only this language (e.g. uk; matches uk-UA too).")
@click.option("--url-prefix", default="", help="Only pages whose address starts with this.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    callback=_day,
    help="Reports on or after YYYY-MM-DD.",
)
@click.option(
    "--until",
    type=click.DateTime(["%Y-%m-%d"]),
    callback=_day,
    help="Reports on or before YYYY-MM-DD.",
)
@click.option("--search", default="", help="Words in the quote or in a reader's comment.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: stdout).",
)
def export(
    fmt: Format,
    what: What,
    site_key: str | None,
    status: str | None,
    lang: str,
    url_prefix: str,
    since: date | None,
    until: date | None,
    search: str,
    output: Path | None,
) -> None:
    """Write every matching group (or its reports) as CSV or JSON, streamed.

    Text cells that a spreadsheet would run as a formula are neutralised in CSV.
    """
    settings = settings_or_exit()
    require_current(settings)
    engine = make_engine(settings.resolved_database_url)
    sessions = make_sessionmaker(engine)
    try:
        site_id = None
        if site_key:
            with sessions() as session:
                try:
                    site_id = site_by_key(session, site_key).id
                except AdminError as exc:
                    raise click.BadParameter(str(exc), param_hint="--site") from None
        if since and until and since > until:  # an empty range is surely a typing slip
            raise click.BadParameter(
                "the end of the date range is before its start", param_hint="--until"
            )
        try:
            wanted = InboxFilter(site_id, status, lang, url_prefix, since, until, search)
        except InboxError as exc:
            option = "--search" if exc.field == "q" else f"--{exc.field}"
            raise click.BadParameter(str(exc), param_hint=option) from None
        chunks = export_chunks(sessions, what, fmt, None, wanted)
        if output is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
    finally:
        engine.dispose()
