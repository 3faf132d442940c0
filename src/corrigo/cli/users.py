"""`corrigo user add|reset` and `corrigo token create`."""

from __future__ import annotations

import sys

import click

from corrigo.cli.common import store_session
from corrigo.passwords import generate_password
from corrigo.store.accounts import reset_password
from corrigo.store.admin import create_editor
from corrigo.store.sites import site_by_key
from corrigo.store.tokens import create_token


@click.group()
def user() -> None:
    """Manage editors."""


@user.command("add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Role admin: every site, manages the service.")
@click.option("--site", "sites", multiple=True, help="Site key the editor may see. Repeatable.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_add(email: str, admin: bool, sites: tuple[str, ...], password_stdin: bool) -> None:
    """Add an editor; prints a generated password unless one comes on standard input."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    if not admin and not sites:
        raise click.UsageError("an editor needs --site KEY (or --admin)")
    with store_session() as session:
        create_editor(
            session, email, password, role="admin" if admin else "editor", site_keys=list(sites)
        )
    click.echo(f"editor {email.strip().lower()} added")
    if not password_stdin:
        click.echo(f"password: {password}")


@user.command("reset")
@click.argument("email")
def user_reset(email: str) -> None:
    """Give an editor a new generated password (printed) and sign them out everywhere."""
    with store_session() as session:
        password = reset_password(session, email)
    click.echo(f"password of {email.strip().lower()} reset")
    click.echo(f"password: {password}")


@click.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--site", "site_key", metavar="KEY", help="Only this site (else every site).")
@click.option("--read-only", is_flag=True, help="Only the API's GET calls (no decisions).")
def token_create(name: str, site_key: str | None, read_only: bool) -> None:
    """Create an admin API token and print it (it is shown only once).

    `--site KEY --read-only` makes the token a WordPress dashboard widget keeps:
    it lists that site's misprints and can change nothing.
    """
    with store_session() as session:
        site_id = site_by_key(session, site_key).id if site_key is not None else None
        value = create_token(session, name, site_id=site_id, read_only=read_only)
    click.echo(value)
