"""Notification channels and their deliveries: adding, listing, removing, retrying.

Every value is checked here, once, so a channel in the table can always be
sent to; the recipient is always configuration, never anything a reader sent.
The CLI, the dashboard and the API use these; the notifier only sends.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrigo.domain.routing import normalize_prefix
from corrigo.domain.schedule import parse_clock, zone
from corrigo.store.db import affected
from corrigo.store.errors import AdminError
from corrigo.store.models import Channel, Delivery, ErrorGroup, OutboxEvent, Site
from corrigo.store.outbox import DELIVERY_STATUSES, FAILED, PENDING, SENDING
from corrigo.store.sites import site_by_key

# The kinds of channel the notifier has a sender for.
KINDS = ("email", "webhook", "slack", "telegram")

_CHAT_ID = re.compile(r"^(?:-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_BOT_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
MIN_SECRET = 16
MAX_NAME = 200
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


def slack_hook_url(url: str) -> str:
    """What an editor may give as a Slack channel: https://hooks.slack.com/services/…

    The CLI and the dashboard check this; the store itself takes any http(s) URL, so
    that a local receiver can stand in for Slack (tests, a Slack-compatible relay).
    """
    url = _http_url(url)
    parts = urlsplit(url)
    if (
        parts.scheme != "https"
        or parts.hostname != "hooks.slack.com"
        or parts.port is not None
        or parts.username is not None
        or not parts.path.startswith("/services/")
        or len(parts.path.strip("/").split("/")) < 4
    ):
        raise AdminError(
            f"{url!r} is not a Slack incoming-webhook URL such as "
            "https://hooks.slack.com/services/T…/B…/…"
        )
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
    name: str = "",
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
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise AdminError(f"a channel's name may be at most {MAX_NAME} characters")
    return insert_channel(
        session,
        site.id,
        kind,
        target,
        name=name,
        secret=secret,
        digest_time=clock,
        timezone=tz,
        url_prefix=prefix,
        author=author,
    )


def insert_channel(
    session: Session,
    site_id: int,
    kind: str,
    target: str,
    *,
    name: str = "",
    secret: str = "",
    digest_time: str | None = None,
    timezone: str = "UTC",
    url_prefix: str = "",
    author: str = "",
) -> Channel:
    """Store a channel, switched on, exactly as given: `create_channel` checks the values
    first; the demo's mailbox (a kind editors cannot choose) comes straight here."""
    channel = Channel(
        site_id=site_id,
        name=name,
        kind=kind,
        target=target,
        secret=secret,
        digest_time=digest_time,
        timezone=timezone,
        url_prefix=url_prefix,
        author=author,
        enabled=True,
        options={},
        created_at=datetime.now(UTC),
    )
    session.add(channel)
    session.flush()
    return channel


def list_channels(session: Session, site_key: str | None = None) -> list[tuple[Channel, Site]]:
    """Channels with their site, by site and id; only one site's when a key is given."""
    query = select(Channel, Site).join(Site, Site.id == Channel.site_id)
    if site_key is not None:
        query = query.where(Channel.site_id == site_by_key(session, site_key).id)
    rows = session.execute(query.order_by(Channel.site_id, Channel.id)).all()
    return [(channel, site) for channel, site in rows]


def channel_with_site(session: Session, channel_id: int) -> tuple[Channel, Site] | None:
    """One channel and its site, or None when there is no such channel."""
    row = session.execute(
        select(Channel, Site).join(Site, Site.id == Channel.site_id).where(Channel.id == channel_id)
    ).first()
    return None if row is None else (row[0], row[1])


def has_email_channels(session: Session) -> bool:
    """Whether any e-mail channel exists (they need CORRIGO_SMTP_HOST to be sent)."""
    return (
        session.execute(select(Channel.id).where(Channel.kind == "email").limit(1)).first()
        is not None
    )


def switch_channel(session: Session, channel_id: int) -> bool:
    """Switch a channel off (nothing is sent to it) or on again; False if there is none."""
    channel = session.get(Channel, channel_id)
    if channel is None:
        return False
    channel.enabled = not channel.enabled
    return True


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


def channel_label(channel: Channel) -> str:
    """The channel's name (when it has one), kind and where it sends, secrets hidden."""
    where = f"{channel.kind} {describe_target(channel.kind, channel.target)}"
    return f"{channel.name} ({where})" if channel.name else where


PAGE_SIZE = 50


class DeliveryNotFound(AdminError):
    """No delivery with that id, or not one the asking editor may see."""


class NotRetryable(AdminError):
    """The delivery has not failed (it is queued, being sent, or sent)."""


@dataclass(frozen=True, slots=True)
class DeliveryView:
    """One delivery as the dashboard shows it."""

    id: int
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    channel_id: int
    channel_kind: str
    channel_target: str
    site_id: int
    site_key: str
    event_id: str
    event_type: str
    group_id: int
    group_title: str
    group_url: str
    exact: str

    def as_json(self) -> dict[str, Any]:
        """The API's JSON shape."""
        return {
            "id": self.id,
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "next_attempt_at": self.next_attempt_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "channel": {
                "id": self.channel_id,
                "kind": self.channel_kind,
                "target": self.channel_target,
            },
            "site": self.site_key,
            "event": {"id": self.event_id, "type": self.event_type},
            "group": {
                "id": self.group_id,
                "title": self.group_title,
                "url": self.group_url,
                "exact": self.exact,
            },
        }


_VIEW = (
    select(
        Delivery,
        Channel.kind,
        Channel.target,
        Site.id,
        Site.public_key,
        OutboxEvent.event_id,
        OutboxEvent.event_type,
        ErrorGroup.id,
        ErrorGroup.title,
        ErrorGroup.url,
        ErrorGroup.exact,
    )
    .join(Channel, Channel.id == Delivery.channel_id)
    .join(OutboxEvent, OutboxEvent.id == Delivery.outbox_id)
    .join(Site, Site.id == OutboxEvent.site_id)
    .join(ErrorGroup, ErrorGroup.id == OutboxEvent.group_id)
)


def _view(row: Any) -> DeliveryView:
    delivery, kind, target, site_id, site_key, event_id, event_type, group_id, title, url, exact = (
        row
    )
    return DeliveryView(
        id=delivery.id,
        status=delivery.status,
        attempts=delivery.attempts,
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at,
        sent_at=delivery.sent_at,
        channel_id=delivery.channel_id,
        channel_kind=kind,
        channel_target=describe_target(kind, target),
        site_id=site_id,
        site_key=site_key,
        event_id=event_id,
        event_type=event_type,
        group_id=group_id,
        group_title=title,
        group_url=url,
        exact=exact,
    )


def list_deliveries(
    session: Session,
    site_ids: list[int] | None,
    status: str | None = FAILED,
    limit: int = PAGE_SIZE,
    before: int | None = None,
) -> list[DeliveryView]:
    """Deliveries newest first; `site_ids` None means every site, `before` pages by id."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise AdminError(f"a delivery status is one of {', '.join(DELIVERY_STATUSES)}")
    query = _VIEW
    if site_ids is not None:
        query = query.where(OutboxEvent.site_id.in_(site_ids))
    if status is not None:
        query = query.where(Delivery.status == status)
    if before is not None:
        query = query.where(Delivery.id < before)
    rows = session.execute(query.order_by(Delivery.id.desc()).limit(limit)).all()
    return [_view(row) for row in rows]


def undelivered(
    session: Session, site_ids: list[int] | None, limit: int = PAGE_SIZE
) -> tuple[list[DeliveryView], list[DeliveryView]]:
    """What has not reached its receiver: (waiting or retrying, soonest attempt first;
    failed for good, newest first), of these sites (None = all)."""
    query = _VIEW.where(Delivery.status.in_((PENDING, SENDING)))
    if site_ids is not None:
        query = query.where(OutboxEvent.site_id.in_(site_ids))
    waiting = session.execute(
        query.order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
    ).all()
    return [_view(row) for row in waiting], failed_deliveries(session, site_ids, limit)


def failed_deliveries(
    session: Session, site_ids: list[int] | None, limit: int = PAGE_SIZE
) -> list[DeliveryView]:
    """The failed deliveries of these sites (None = all), newest first, with their last error."""
    return list_deliveries(session, site_ids, FAILED, limit)


def retry_delivery(
    session: Session, delivery_id: int, site_ids: list[int] | None = None
) -> DeliveryView:
    """Queue a failed delivery to be sent again now, with a fresh set of attempts.

    Raises DeliveryNotFound (unknown, or not on one of `site_ids`) or
    NotRetryable (it has not failed). The caller commits.
    """
    row = session.execute(_VIEW.where(Delivery.id == delivery_id)).first()
    if row is None:
        raise DeliveryNotFound(f"no delivery has the id {delivery_id}")
    view = _view(row)
    if site_ids is not None and view.site_id not in site_ids:
        raise DeliveryNotFound(f"no delivery has the id {delivery_id}")
    # Conditional, so two editors pressing "retry" at once queue it only once.
    changed = affected(
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == FAILED)
            .values(
                status=PENDING,
                attempts=0,
                next_attempt_at=datetime.now(UTC),
                locked_until=None,
                locked_by="",
            )
            .execution_options(synchronize_session=False)
        )
    )
    if not changed:
        raise NotRetryable(f"delivery {delivery_id} is {view.status}, not failed")
    session.expire(row[0])
    return _view(session.execute(_VIEW.where(Delivery.id == delivery_id)).one())
