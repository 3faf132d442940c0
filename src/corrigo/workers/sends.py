"""What a claimed delivery becomes: a send (a notice or a digest) for one channel.

The rows come from :mod:`corrigo.store.outbox`; links to the dashboard from
:class:`corrigo.urls.Urls`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row

from corrigo.domain.fragment import fragment_link
from corrigo.domain.proposal import Proposal
from corrigo.domain.schedule import zone
from corrigo.store import outbox
from corrigo.store.outbox import digest_due
from corrigo.urls import Urls
from corrigo.workers.channels.base import Target
from corrigo.workers.notice import Digest, Notice, build_digest

# Stable namespace for digest ids: the same set of deliveries always gets the same id.
_DIGEST_NAMESPACE = uuid.UUID("5d0b8a52-3f6e-4c1e-9a57-8f8f0c1f2a61")


@dataclass(frozen=True, slots=True)
class Send:
    """A claimed send: one event, or one channel's digest, and the deliveries it settles."""

    delivery_ids: tuple[int, ...]
    attempts: int
    target: Target
    message: Notice | Digest

    @property
    def is_digest(self) -> bool:
        """Whether this send is a digest (a failed digest goes back to waiting as one)."""
        return isinstance(self.message, Digest)


def notice_of(row: Row[Any], urls: Urls) -> Notice:
    """The notice for one row of :func:`corrigo.store.outbox.delivery_rows`."""
    return Notice(
        event_id=row.event_id,
        event_type=row.event_type,
        site_key=row.public_key,
        site_name=row.site_name,
        group_id=row.group_id,
        group_status=row.group_status,
        url=row.url,
        title=row.title,
        author=row.author,
        exact=row.exact,
        prefix=row.prefix,
        suffix=row.suffix,
        comment=row.comment or "",
        suggestion=row.suggestion or "",
        report_count=row.report_count,
        occurred_at=row.created_at,
        dashboard_url=urls.group(row.group_id),
        fragment_url=fragment_link(row.url, row.exact, row.prefix, row.suffix),
        proposal=Proposal(row.proposal_text, row.proposal_source, row.proposal_readers)
        if row.proposal_source
        else None,
    )


def _target(row: Row[Any]) -> Target:
    return Target(row.channel_id, row.kind, row.target, row.secret)


def notice_sends(conn: Connection, delivery_ids: Sequence[int], urls: Urls) -> list[Send]:
    """One send per claimed immediate delivery."""
    return [
        Send((row.delivery_id,), row.attempts, _target(row), notice_of(row, urls))
        for row in outbox.delivery_rows(conn, delivery_ids)
    ]


def _digest_day(rows: Sequence[Row[Any]], now: datetime) -> date:
    first = min(row.created_at for row in rows)
    due = digest_due(rows[0].digest_time, rows[0].timezone, first)
    if due is None:
        return now.date()
    return due.astimezone(zone(rows[0].timezone)).date()


def digest_sends(
    conn: Connection, claimed: Mapping[int, Sequence[int]], urls: Urls, now: datetime
) -> list[Send]:
    """One send per channel with claimed digest deliveries."""
    sends = []
    for channel_id, ids in claimed.items():
        rows = outbox.delivery_rows(conn, ids)
        if not rows:
            continue
        settled = tuple(row.delivery_id for row in rows)
        digest_id = str(uuid.uuid5(_DIGEST_NAMESPACE, f"{channel_id}:{settled}"))
        digest = build_digest(
            digest_id,
            [notice_of(row, urls) for row in rows],
            _digest_day(rows, now),
            urls.dashboard(),
        )
        attempts = max(row.attempts for row in rows)
        sends.append(Send(settled, attempts, _target(rows[0]), digest))
    return sends
