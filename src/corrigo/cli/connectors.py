"""`corrigo connector set|show|remove`: how Corrigo writes corrections into a site's CMS."""

from __future__ import annotations

import json
import secrets
from typing import Any

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.connectors.base import ConnectorError
from corrigo.connectors.registry import connector_options, secret_box, try_connector
from corrigo.store.connectors import (
    ConnectorConfig,
    connector_summary,
    remove_connector,
    save_connector,
)


@click.group()
def connector() -> None:
    """Manage a site's connector (WordPress, Git, fix webhook, demo)."""


def _chosen(**kinds: Any) -> tuple[str, Any]:
    picked = [(kind, value) for kind, value in kinds.items() if value not in (None, False)]
    if len(picked) != 1:
        raise click.UsageError("give exactly one of --wordpress, --git, --fix-webhook, --demo")
    return picked[0]


@connector.command("set")
@click.argument("site_key")
@click.option(
    "--wordpress", metavar="URL", help="A WordPress site (application password on stdin)."
)
@click.option("--user", metavar="NAME", help="The WordPress user of the application password.")
@click.option("--git", metavar="PATH_OR_URL", help="A Git repository of Markdown/HTML sources.")
@click.option("--branch", default="main", show_default=True, help="The Git branch to change.")
@click.option(
    "--path",
    "pattern",
    default="{path}.md",
    show_default=True,
    help="File of an article: {path}, {slug}, {section}, {dir} come from the URL's path.",
)
@click.option("--map", "mapping", multiple=True, metavar="URL_PATH=FILE", help="Explicit file.")
@click.option("--review-branches", is_flag=True, help="Commit each fix to a new branch.")
@click.option("--token-stdin", is_flag=True, help="Read a Git HTTPS token from stdin.")
@click.option("--fix-webhook", metavar="URL", help="POST signed fix.requested events here.")
@click.option("--secret", help="The fix webhook's signing secret (generated when omitted).")
@click.option("--demo", is_flag=True, help="The demo news site's own articles.")
def connector_set(
    site_key: str,
    wordpress: str | None,
    user: str | None,
    git: str | None,
    branch: str,
    pattern: str,
    mapping: tuple[str, ...],
    review_branches: bool,
    token_stdin: bool,
    fix_webhook: str | None,
    secret: str | None,
    demo: bool,
) -> None:
    """Set the connector of the site with key SITE_KEY (after a test call succeeds).

    Give exactly one of --wordpress, --git, --fix-webhook, --demo. Secrets are
    read from standard input (never from the command line, except a given
    --secret), stored encrypted and never shown again.
    """
    kind, value = _chosen(wordpress=wordpress, git=git, fix_webhook=fix_webhook, demo=demo)
    kind = "webhook" if kind == "fix_webhook" else kind
    if kind == "wordpress" and not user:
        raise click.UsageError("--wordpress needs --user")
    try:
        options = connector_options(
            kind,
            url=value if isinstance(value, str) else "",
            user=user or "",
            branch=branch,
            pattern=pattern,
            mapping=dict(_pair(item) for item in mapping),
            review_branches=review_branches,
        )
    except ConnectorError as error:
        raise click.UsageError(error.message) from None
    stored_secret = ""
    if kind == "wordpress":
        stored_secret = click.prompt("Application password", hide_input=True).strip()
    elif kind == "git" and token_stdin:
        stored_secret = click.prompt("Token", hide_input=True).strip()
    elif kind == "webhook":
        stored_secret = secret or secrets.token_urlsafe(32)
    _save(site_key, kind, options, stored_secret)
    if kind == "webhook" and secret is None:
        click.echo(f"signing secret (shown once): {stored_secret}")


def _pair(item: str) -> tuple[str, str]:
    url_path, sep, file = item.partition("=")
    if not sep or not file:
        raise click.UsageError(f"--map wants URL_PATH=FILE, not {item!r}")
    return url_path.strip("/"), file


def _save(site_key: str, kind: str, options: dict[str, Any], secret: str) -> None:
    settings = settings_or_exit()
    try:
        answer = try_connector(ConnectorConfig(site_key, kind, options, secret), settings)
    except ConnectorError as error:
        message = f"the test call failed, nothing saved: {error.message}"
        raise click.ClickException(message) from None
    with store_session(settings) as session:
        save_connector(session, secret_box(settings), site_key, kind, options, secret)
    click.echo(f"connector set for {site_key}: {kind} ({answer})")


@connector.command("show")
@click.argument("site_key")
def connector_show(site_key: str) -> None:
    """Show the site's connector; a secret is never shown, only whether one is kept."""
    with store_session() as session:
        summary = connector_summary(session, site_key)
    if summary is None:
        click.echo(f"{site_key} has no connector")
        return
    click.echo(f"kind: {summary.kind}")
    for name, value in sorted(summary.options.items()):
        click.echo(f"{name}: {json.dumps(value) if not isinstance(value, str) else value}")
    click.echo(f"secret: {'kept (encrypted)' if summary.has_secret else 'none'}")
    click.echo(f"updated: {summary.updated_at.isoformat()}")


@connector.command("remove")
@click.argument("site_key")
def connector_remove(site_key: str) -> None:
    """Remove the site's connector (its secret goes with it)."""
    with store_session() as session:
        removed = remove_connector(session, site_key)
    click.echo(f"connector of {site_key} removed" if removed else f"{site_key} had no connector")
