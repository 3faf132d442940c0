"""The demo's mailbox: a channel kind that keeps the e-mails it would send in a table.

`corrigo demo` gives the demo site one such channel, so that a newcomer sees the
notifications without any SMTP server; the dashboard lists them in demo mode. Only
the demo makes these channels: the CLI and the dashboard offer the real kinds alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import Session

from corrigo.store.channels import insert_channel
from corrigo.store.models import Channel, DemoMessage, Site

DEMO_KIND = "demo"
DEMO_CHANNEL_NAME = "Demo mailbox"
# The newest messages kept; older ones are deleted as new ones arrive.
MAILBOX_SIZE = 200


def ensure_demo_channel(session: Session, site_id: int, recipient: str) -> Channel:
    """The site's demo mailbox channel, created when it has none."""
    found = session.scalars(
        select(Channel).where(Channel.site_id == site_id, Channel.kind == DEMO_KIND).limit(1)
    ).first()
    if found is not None:
        return found
    return insert_channel(session, site_id, DEMO_KIND, recipient, name=DEMO_CHANNEL_NAME)


def keep_message(
    conn: Connection,
    channel_id: int,
    recipient: str,
    message: bytes,
    now: datetime,
    keep: int = MAILBOX_SIZE,
) -> int:
    """Store one message (the bytes an SMTP server would get); returns its number.

    Only the newest `keep` messages stay, so a demo left running cannot fill the disk.
    """
    number = conn.execute(
        insert(DemoMessage)
        .values(channel_id=channel_id, recipient=recipient, message=message, received_at=now)
        .returning(DemoMessage.id)
    ).scalar_one()
    oldest_kept = conn.execute(
        select(DemoMessage.id).order_by(DemoMessage.id.desc()).offset(keep - 1).limit(1)
    ).scalar()
    if oldest_kept is not None:
        conn.execute(delete(DemoMessage).where(DemoMessage.id < oldest_kept))
    return int(number)


@dataclass(frozen=True, slots=True)
class MailboxEntry:
    """One kept message, with the name of the site whose channel received it."""

    id: int
    recipient: str
    message: bytes
    received_at: datetime
    site_name: str


def mailbox(
    session: Session, site_ids: Sequence[int] | None, limit: int = MAILBOX_SIZE
) -> list[MailboxEntry]:
    """The kept messages of these sites' channels (None = every site), newest first."""
    query = (
        select(DemoMessage, Site.name)
        .join(Channel, Channel.id == DemoMessage.channel_id)
        .join(Site, Site.id == Channel.site_id)
    )
    if site_ids is not None:
        query = query.where(Channel.site_id.in_(site_ids))
    rows = session.execute(query.order_by(DemoMessage.id.desc()).limit(limit)).all()
    return [
        MailboxEntry(row.id, row.recipient, row.message, row.received_at, site_name)
        for row, site_name in rows
    ]
