"""`corrigo connector set|show|remove`: how Corrigo writes corrections into a site's CMS."""

from __future__ import annotations

import json
from typing import Any

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.connectors.base import ConnectorError
from corrigo.connectors.registry import build_connector, secret_box
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
@click.option("--demo", is_flag=True, help="The demo news site's own articles.")
def connector_set(site_key: str, demo: bool) -> None:
    """Set the connector of the site with key SITE_KEY (after a test call succeeds)."""
    kind, _value = _chosen(demo=demo)
    options: dict[str, Any] = {}
    secret = ""
    _save(site_key, kind, options, secret)


def _save(site_key: str, kind: str, options: dict[str, Any], secret: str) -> None:
    settings = settings_or_exit()
    try:
        answer = build_connector(ConnectorConfig(site_key, kind, options, secret), settings).check()
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
