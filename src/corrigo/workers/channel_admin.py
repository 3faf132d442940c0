"""Adding, listing and removing notification channels (for the CLI and the dashboard).

Every value is checked here, once, so a channel in the table can always be
sent to; the recipient is always configuration, never anything a reader sent.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrigo.store.admin import AdminError, site_by_key
from corrigo.store.models import Channel, Site
from corrigo.workers.channels.base import KINDS
from corrigo.workers.routing import normalize_prefix
from corrigo.workers.schedule import parse_clock, zone

_CHAT_ID = re.compile(r"^(?:-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_BOT_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
MIN_SECRET = 16
MAX_URL = 2048


def _email(address: str) -> str:
    address = address.strip()
    _name, parsed = parseaddr(address)
    local, at, domain = parsed.rpartition("@")
    if parsed != address or not at or not local or "." not in domain or len(address) > 320:
        raise AdminError(f"{address!r} is not an e-mail address such as desk@news.example")
    return address


def _http_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise AdminError(f"{url!r} is not an http(s) URL")
    if any(char.isspace() for char in url):
        raise AdminError("a URL cannot contain spaces")
    return url


def _check_target(kind: str, target: str, secret: str | None) -> tuple[str, str]:
    """The stored (target, secret) for a channel kind; generates a webhook secret if none."""
    if kind == "email":
        return _email(target), ""
    if kind == "slack":
        return _http_url(target), ""
    if kind == "webhook":
        secret = secret if secret is not None else secrets.token_urlsafe(32)
        if len(secret) < MIN_SECRET:
            raise AdminError(f"a webhook secret needs at least {MIN_SECRET} characters")
        return _http_url(target), secret
    if kind == "telegram":
        target = target.strip()
        if not _CHAT_ID.match(target):
            raise AdminError(f"{target!r} is not a Telegram chat id (a number or @channelname)")
        if not secret or not _BOT_TOKEN.match(secret):
            raise AdminError("a Telegram channel needs a bot token such as 123456:ABC-DEF…")
        return target, secret
    raise AdminError(f"a channel kind is one of {', '.join(KINDS)}")


def create_channel(
    session: Session,
    site_key: str,
    kind: str,
    target: str,
    *,
    secret: str | None = None,
    digest_time: str | None = None,
    timezone: str = "UTC",
    url_prefix: str = "",
    author: str = "",
) -> Channel:
    """Add a channel to a site; raises AdminError naming the first bad value.

    `secret` is the webhook signing secret (generated when omitted; read it
    back from the returned channel) or the Telegram bot token.
    """
    site = site_by_key(session, site_key)
    if secret is not None and kind in ("email", "slack"):
        raise AdminError(f"a {kind} channel takes no secret")
    target, secret = _check_target(kind, target, secret)
    try:
        clock = parse_clock(digest_time).strftime("%H:%M") if digest_time else None
        tz = zone(timezone.strip()).key
        prefix = normalize_prefix(url_prefix)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    author = " ".join(author.split())
    if len(author) > 200:
        raise AdminError("an author name may be at most 200 characters")
    channel = Channel(
        site_id=site.id,
        kind=kind,
        target=target,
        secret=secret,
        digest_time=clock,
        timezone=tz,
        url_prefix=prefix,
        author=author,
        enabled=True,
        options={},
        created_at=datetime.now(UTC),
    )
    session.add(channel)
    session.flush()
    return channel


def list_channels(session: Session, site_key: str | None = None) -> list[tuple[Channel, str]]:
    """Channels with their site's key, by site and id; only one site's when a key is given."""
    query = select(Channel, Site.public_key).join(Site, Site.id == Channel.site_id)
    if site_key is not None:
        query = query.where(Channel.site_id == site_by_key(session, site_key).id)
    rows = session.execute(query.order_by(Channel.site_id, Channel.id)).all()
    return [(channel, key) for channel, key in rows]


def remove_channel(session: Session, channel_id: int) -> Channel:
    """Delete a channel and its deliveries; raises AdminError if there is none."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise AdminError(f"no channel has the id {channel_id}")
    session.delete(channel)
    session.flush()
    return channel


def describe_target(kind: str, target: str) -> str:
    """Where a channel sends, safe to show: webhook and Slack paths can hold secrets."""
    if kind in ("webhook", "slack"):
        parts = urlsplit(target)
        return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") else target
    return target
