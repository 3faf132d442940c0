"""A test message to one channel, sent now through its real sender, and what came back.

The dashboard's Channels page and `corrigo channel test` use it so that an editor
can see a channel work (or why it does not) without waiting for a reader. It is
one attempt under a short limit, outside the outbox: nothing is queued or retried.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corrigo.config import Settings
from corrigo.domain.lifecycle import Status
from corrigo.store.channels import channel_label, channel_with_site
from corrigo.urls import Urls
from corrigo.workers.channels.base import DeliveryError, Target
from corrigo.workers.channels.http import make_client, snippet
from corrigo.workers.notice import EVENT_TEST, Notice
from corrigo.workers.notifier import make_senders, send_message, send_timeout

# An editor waits for the answer: a receiver gets this long at most, whatever the
# channel's own send timeout (CORRIGO_NOTIFY_TIMEOUT, CORRIGO_SMTP_TIMEOUT) allows.
PROBE_LIMIT = 5.0


@dataclass(frozen=True, slots=True)
class Probe:
    """A test message ready to go: where, and what; `label` names the channel for editors."""

    target: Target
    notice: Notice
    label: str


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Whether the receiver took the message, and its answer (or the error) on one line,
    without the channel's secrets (see `send_message`)."""

    ok: bool
    answer: str


def sample_notice(site_key: str, site_name: str, urls: Urls, now: datetime) -> Notice:
    """A notice that says in every format that it is a test, with a sample misprint."""
    inbox = urls.dashboard()
    return Notice(
        event_id=str(uuid.uuid4()),
        event_type=EVENT_TEST,
        site_key=site_key,
        site_name=site_name,
        group_id=0,
        group_status=Status.OPEN,
        url=inbox,
        title="Corrigo channel test",
        author="",
        exact="misprnit",
        prefix="This is a test. A reader's report would show the ",
        suffix=" in its sentence here.",
        comment="Sent by an editor to check this channel.",
        suggestion="misprint",
        report_count=0,
        occurred_at=now,
        dashboard_url=inbox,
        fragment_url=inbox,
    )


def prepare(session: Session, channel_id: int, base_url: str) -> Probe | None:
    """The test message for a channel, or None when there is no such channel."""
    found = channel_with_site(session, channel_id)
    if found is None:
        return None
    channel, site = found
    target = Target(channel.id, channel.kind, channel.target, channel.secret)
    notice = sample_notice(site.public_key, site.name, Urls(base_url), datetime.now(UTC))
    return Probe(target, notice, channel_label(channel))


async def send_probe(settings: Settings, probe: Probe, engine: Engine) -> ProbeResult:
    """Send the test message once, within PROBE_LIMIT seconds; never raises for the
    receiver's sake (down, slow, refusing or answering garbage)."""
    target = probe.target
    limit = min(send_timeout(settings, target.kind), PROBE_LIMIT)
    async with make_client(limit) as client:
        try:
            senders = make_senders(settings, client, engine)
            answer = await send_message(senders, target, probe.notice, limit)
            ok = True
        except DeliveryError as exc:
            answer, ok = str(exc) or type(exc).__name__, False
    return ProbeResult(ok, snippet(answer))
