"""`corrigo channel add|list|remove|test`: where a site's notifications go."""

from __future__ import annotations

import asyncio

import click

from corrigo.cli.common import settings_or_exit, store_session
from corrigo.store.channels import (
    channel_label,
    create_channel,
    list_channels,
    remove_channel,
    slack_hook_url,
)
from corrigo.store.db import make_engine
from corrigo.store.models import Channel
from corrigo.workers.probe import prepare, send_probe


@click.group()
def channel() -> None:
    """Manage notification channels (e-mail, webhook, Slack, Telegram)."""


def _mode(row: Channel) -> str:
    return f"digest {row.digest_time} {row.timezone}" if row.digest_time else "immediate"


def _routing(row: Channel) -> str:
    rules = []
    if row.url_prefix:
        rules.append(f"url-prefix={row.url_prefix}")
    if row.author:
        rules.append(f"author={row.author}")
    return " ".join(rules) or "default"


@channel.command("add")
@click.argument("site_key")
@click.option("--email", metavar="ADDRESS", help="Send e-mail to this address.")
@click.option("--webhook", metavar="URL", help="POST signed JSON to this URL.")
@click.option("--slack", metavar="URL", help="Post to this Slack incoming-webhook URL.")
@click.option(
    "--telegram", metavar="CHAT_ID", help="Message this Telegram chat; needs --bot-token."
)
@click.option("--secret", help="Webhook signing secret (one is generated when omitted).")
@click.option("--bot-token", metavar="TOKEN", help="Telegram bot token, from @BotFather.")
@click.option("--digest", metavar="HH:MM", help="Send one digest a day at this local time.")
@click.option("--timezone", default="UTC", show_default=True, help="Time zone of --digest.")
@click.option("--url-prefix", default="", help="Only pages under this URL or /path.")
@click.option("--author", default="", help="Only articles by this author.")
@click.option("--name", default="", help='What editors call it, e.g. "Sports desk Slack".')
def channel_add(
    site_key: str,
    email: str | None,
    webhook: str | None,
    slack: str | None,
    telegram: str | None,
    secret: str | None,
    bot_token: str | None,
    digest: str | None,
    timezone: str,
    url_prefix: str,
    author: str,
    name: str,
) -> None:
    """Add a channel to the site with key SITE_KEY.

    Give exactly one of --email, --webhook, --slack, --telegram. A channel with
    --url-prefix and/or --author gets only the pages that match; channels
    without either get whatever no such channel takes.
    """
    kinds = {"email": email, "webhook": webhook, "slack": slack, "telegram": telegram}
    chosen = [(kind, value) for kind, value in kinds.items() if value is not None]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --email, --webhook, --slack, --telegram")
    kind, target = chosen[0]
    if secret is not None and kind != "webhook":
        raise click.UsageError("--secret goes with --webhook")
    if bot_token is not None and kind != "telegram":
        raise click.UsageError("--bot-token goes with --telegram")
    with store_session() as session:
        if kind == "slack":
            target = slack_hook_url(target)
        row = create_channel(
            session,
            site_key,
            kind,
            target,
            secret=bot_token if kind == "telegram" else secret,
            digest_time=digest,
            timezone=timezone,
            url_prefix=url_prefix,
            author=author,
            name=name,
        )
        line = f"channel {row.id} added: {channel_label(row)}, {_mode(row)}"
        click.echo(f"{line}, {_routing(row)}")
        if kind == "webhook" and secret is None:
            click.echo(f"signing secret (shown once): {row.secret}")


@channel.command("list")
@click.argument("site_key", required=False)
def channel_list(site_key: str | None) -> None:
    """List channels (of one site when SITE_KEY is given): id, site, name (kind target),
    mode, routing; secrets are not shown."""
    with store_session() as session:
        for row, site in list_channels(session, site_key):
            state = "" if row.enabled else "\tdisabled"
            click.echo(
                f"{row.id}\t{site.name}\t{channel_label(row)}\t{_mode(row)}\t{_routing(row)}{state}"
            )


@channel.command("remove")
@click.argument("channel_id", type=int)
def channel_remove(channel_id: int) -> None:
    """Remove a channel and its deliveries."""
    with store_session() as session:
        remove_channel(session, channel_id)
    click.echo(f"channel {channel_id} removed")


@channel.command("test")
@click.argument("channel_id", type=int)
def channel_test(channel_id: int) -> None:
    """Send a test message to channel CHANNEL_ID now and print the receiver's answer.

    One attempt, at most 5 seconds, outside the queue. Exits with 1 when the message
    did not go through.
    """
    settings = settings_or_exit()
    with store_session(settings) as session:
        probe = prepare(session, channel_id, settings.base_url)
    if probe is None:
        raise click.ClickException(f"no channel has the id {channel_id}")
    engine = make_engine(settings.resolved_database_url)
    try:
        result = asyncio.run(send_probe(settings, probe, engine))
    finally:
        engine.dispose()
    channel_name = f"channel {channel_id} ({probe.label})"
    if not result.ok:
        raise click.ClickException(f"test message to {channel_name} failed: {result.answer}")
    click.echo(f"test message to {channel_name} sent; the receiver answered: {result.answer}")
