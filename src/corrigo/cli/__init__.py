"""The `corrigo` command."""

from __future__ import annotations

import logging

import click

from corrigo import __version__
from corrigo.cli.backup import backup, restore
from corrigo.cli.channels import channel
from corrigo.cli.connectors import connector
from corrigo.cli.demo_edit import demo_edit
from corrigo.cli.export import export
from corrigo.cli.imports import import_group
from corrigo.cli.lexicon import lexicon
from corrigo.cli.proofread import proofread_command
from corrigo.cli.server import check, db, demo, purge, serve
from corrigo.cli.sites import site
from corrigo.cli.users import token, user
from corrigo.cli.verify import verify
from corrigo.cli.worker import worker


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corrigo")
def main() -> None:
    """Corrigo: readers report misprints, editors fix them.

    Settings come from CORRIGO_* environment variables (see the README).
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


COMMANDS = (
    serve,
    demo,
    db,
    check,
    purge,
    backup,
    restore,
    site,
    user,
    token,
    export,
    channel,
    connector,
    import_group,
    worker,
    verify,
    proofread_command,
    lexicon,
    demo_edit,
)
for command in COMMANDS:
    main.add_command(command)
