"""The outbox and its deliveries: routing events to channels, claiming, settling.

This is the notifier's queue SQL (the notifier itself, in ``corrigo.workers``,
only sends); the delivery statuses are defined here, once.

Every claim is one ``UPDATE … WHERE <still claimable> … RETURNING``, so two
workers can never both win a row: on PostgreSQL the candidates are picked
with ``FOR UPDATE SKIP LOCKED`` (workers pass each other without waiting); on
SQLite, which has one writer at a time, the re-checked UPDATE alone decides.
A claimed delivery holds a lease (`locked_until`); a worker that dies leaves
the lease to run out, and :func:`reap_expired` hands the row to the next one.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, insert, or_, select, update

from corrigo.domain.routing import RouteRule, route
from corrigo.domain.schedule import next_digest_at, parse_clock, zone
from corrigo.store.db import AnyRow
from corrigo.store.models import (
    Channel,
    Delivery,
    ErrorGroup,
    GroupProposal,
    OutboxEvent,
    Report,
    Site,
    table_of,
)

log = logging.getLogger(__name__)

OUTBOX = table_of(OutboxEvent)
DELIVERIES = table_of(Delivery)
CHANNELS = table_of(Channel)
GROUPS = table_of(ErrorGroup)
REPORTS = table_of(Report)
SITES = table_of(Site)
PROPOSALS = table_of(GroupProposal)

PENDING, SENDING, SENT, FAILED, DIGEST = "pending", "sending", "sent", "failed", "digest"
DELIVERY_STATUSES = (PENDING, SENDING, SENT, FAILED, DIGEST)
LEASE_EXPIRED = "the worker sending it stopped or hung (lease expired)"
# One digest lists at most this many misprints; the rest go out in the next one.
DIGEST_LIMIT = 1000


def digest_due(digest_time: str | None, tz_name: str, created_at: datetime) -> datetime | None:
    """When a digest channel sends an event created at `created_at`; None for immediate."""
    if not digest_time:
        return None
    try:
        return next_digest_at(created_at, parse_clock(digest_time), zone(tz_name))
    except ValueError as exc:
        # Channels are checked when saved; a row edited by hand must not stop the queue.
        log.warning("channel digest setting ignored, sending at once: %s", exc)
        return None


def dispatch_events(
    conn: Connection, now: datetime, limit: int, wait_until: datetime | None = None
) -> int:
    """Claim up to `limit` new outbox events and create their deliveries; returns how many.

    Runs in the caller's transaction: the events are marked processed in the
    same commit that creates their deliveries, so a crash loses neither. An
    event waits for its group's proposed correction (computed at or after the
    event) unless it was created before `wait_until`, so that the notification
    can show the proposal without ever hanging on it.
    """
    ready: ColumnElement[bool] = OUTBOX.c.processed_at.is_(None)
    if wait_until is not None:
        proposed = (
            select(PROPOSALS.c.group_id)
            .where(
                PROPOSALS.c.group_id == OUTBOX.c.group_id,
                PROPOSALS.c.computed_at >= OUTBOX.c.created_at,
            )
            .exists()
        )
        ready = and_(ready, or_(OUTBOX.c.created_at < wait_until, proposed))
    if conn.dialect.name == "sqlite":
        # Looking first keeps an idle notifier from taking SQLite's write lock every
        # round; PostgreSQL locks rows, not the database, and saves the round trip.
        waiting = select(OUTBOX.c.id).where(ready).limit(1)
        if conn.execute(waiting).first() is None:
            return 0
    pick = (
        select(OUTBOX.c.id)
        .where(ready)
        .order_by(OUTBOX.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    events = conn.execute(
        update(OUTBOX)
        .where(OUTBOX.c.id.in_(pick.scalar_subquery()), OUTBOX.c.processed_at.is_(None))
        .values(processed_at=now)
        .returning(OUTBOX.c.id, OUTBOX.c.site_id, OUTBOX.c.group_id, OUTBOX.c.created_at)
    ).all()
    if not events:
        return 0
    pages = {
        row.id: row
        for row in conn.execute(
            select(GROUPS.c.id, GROUPS.c.url, GROUPS.c.author).where(
                GROUPS.c.id.in_({event.group_id for event in events})
            )
        )
    }
    channels: dict[int, list[AnyRow]] = defaultdict(list)
    for channel in conn.execute(
        select(CHANNELS).where(
            CHANNELS.c.site_id.in_({event.site_id for event in events}),
            CHANNELS.c.enabled.is_(True),
        )
    ):
        channels[channel.site_id].append(channel)
    rows = []
    for event in events:
        site_channels = {channel.id: channel for channel in channels[event.site_id]}
        rules = [RouteRule(c.id, c.url_prefix, c.author) for c in site_channels.values()]
        page = pages[event.group_id]
        for channel_id in route(rules, page.url, page.author):
            channel = site_channels[channel_id]
            due = digest_due(channel.digest_time, channel.timezone, event.created_at)
            rows.append(
                {
                    "outbox_id": event.id,
                    "channel_id": channel_id,
                    "status": PENDING if due is None else DIGEST,
                    "attempts": 0,
                    "next_attempt_at": now if due is None else due,
                    "locked_by": "",
                    "last_error": "",
                    "created_at": now,
                }
            )
    if rows:
        conn.execute(insert(DELIVERIES), rows)
    return len(events)


def _claim(
    conn: Connection,
    due: Any,
    candidates: Sequence[AnyRow],
    worker: str,
    lease_until: datetime,
) -> list[int]:
    """Move the candidates that are still claimable to `sending` under this worker's lease."""
    if not candidates:
        return []
    return list(
        conn.execute(
            update(DELIVERIES)
            .where(DELIVERIES.c.id.in_([row.id for row in candidates]), due)
            .values(
                status=SENDING,
                locked_by=worker,
                locked_until=lease_until,
                attempts=DELIVERIES.c.attempts + 1,
            )
            .returning(DELIVERIES.c.id)
        ).scalars()
    )


def _candidates(
    conn: Connection, due: Any, skip_channels: Sequence[int], limit: int
) -> Sequence[AnyRow]:
    query = (
        select(DELIVERIES.c.id, DELIVERIES.c.channel_id)
        .join(CHANNELS, CHANNELS.c.id == DELIVERIES.c.channel_id)
        .where(due, CHANNELS.c.enabled.is_(True))
    )
    if skip_channels:
        query = query.where(DELIVERIES.c.channel_id.not_in(skip_channels))
    query = query.order_by(DELIVERIES.c.next_attempt_at, DELIVERIES.c.id).limit(limit)
    return conn.execute(query.with_for_update(skip_locked=True, of=DELIVERIES)).all()


def claim_deliveries(
    conn: Connection,
    now: datetime,
    worker: str,
    lease_until: datetime,
    limit: int,
    in_flight: Mapping[int, int],
    per_channel: int,
) -> list[int]:
    """Claim up to `limit` due immediate deliveries, at most `per_channel` in flight per channel.

    The per-channel cap is what keeps one hanging receiver from taking every
    send slot: its deliveries wait in the table, not in this worker.
    """
    due = and_(DELIVERIES.c.status == PENDING, DELIVERIES.c.next_attempt_at <= now)
    full = [channel for channel, count in in_flight.items() if count >= per_channel]
    counts = Counter(in_flight)
    picked: list[AnyRow] = []
    for row in _candidates(conn, due, full, limit * 2):
        if len(picked) == limit:
            break
        if counts[row.channel_id] < per_channel:
            counts[row.channel_id] += 1
            picked.append(row)
    return _claim(conn, due, picked, worker, lease_until)


def claim_digests(
    conn: Connection,
    now: datetime,
    worker: str,
    lease_until: datetime,
    channels: int,
    busy: Sequence[int],
) -> dict[int, list[int]]:
    """Claim the due digest deliveries of up to `channels` channels; channel id → delivery ids."""
    due = and_(DELIVERIES.c.status == DIGEST, DELIVERIES.c.next_attempt_at <= now)
    by_channel: dict[int, list[AnyRow]] = defaultdict(list)
    for row in _candidates(conn, due, busy, channels * DIGEST_LIMIT):
        if len(by_channel[row.channel_id]) < DIGEST_LIMIT and (
            row.channel_id in by_channel or len(by_channel) < channels
        ):
            by_channel[row.channel_id].append(row)
    picked = [row for rows in by_channel.values() for row in rows]
    claimed = set(_claim(conn, due, picked, worker, lease_until))
    result: dict[int, list[int]] = {}
    for channel_id, rows in by_channel.items():
        ids = [row.id for row in rows if row.id in claimed]
        if ids:
            result[channel_id] = ids
    return result


def delivery_rows(conn: Connection, delivery_ids: Sequence[int]) -> Sequence[AnyRow]:
    """Everything needed to render and send the given deliveries, in id order."""
    return conn.execute(
        select(
            DELIVERIES.c.id.label("delivery_id"),
            DELIVERIES.c.attempts,
            DELIVERIES.c.channel_id,
            CHANNELS.c.kind,
            CHANNELS.c.target,
            CHANNELS.c.secret,
            CHANNELS.c.digest_time,
            CHANNELS.c.timezone,
            OUTBOX.c.event_id,
            OUTBOX.c.event_type,
            OUTBOX.c.created_at,
            GROUPS.c.id.label("group_id"),
            GROUPS.c.status.label("group_status"),
            GROUPS.c.url,
            GROUPS.c.title,
            GROUPS.c.author,
            GROUPS.c.exact,
            GROUPS.c.prefix,
            GROUPS.c.suffix,
            GROUPS.c.report_count,
            SITES.c.public_key,
            SITES.c.name.label("site_name"),
            REPORTS.c.comment,
            REPORTS.c.suggestion,
            PROPOSALS.c.text.label("proposal_text"),
            PROPOSALS.c.source.label("proposal_source"),
            PROPOSALS.c.readers.label("proposal_readers"),
        )
        .select_from(
            DELIVERIES.join(CHANNELS, CHANNELS.c.id == DELIVERIES.c.channel_id)
            .join(OUTBOX, OUTBOX.c.id == DELIVERIES.c.outbox_id)
            .join(GROUPS, GROUPS.c.id == OUTBOX.c.group_id)
            .join(SITES, SITES.c.id == OUTBOX.c.site_id)
            .outerjoin(REPORTS, REPORTS.c.id == OUTBOX.c.report_id)
            .outerjoin(PROPOSALS, PROPOSALS.c.group_id == OUTBOX.c.group_id)
        )
        .where(DELIVERIES.c.id.in_(delivery_ids))
        .order_by(DELIVERIES.c.id)
    ).all()


def _mine(ids: Sequence[int], worker: str) -> Any:
    # A worker only settles rows it still holds: after its lease ran out they are another's.
    return and_(
        DELIVERIES.c.id.in_(ids),
        DELIVERIES.c.status == SENDING,
        DELIVERIES.c.locked_by == worker,
    )


def mark_sent(conn: Connection, ids: Sequence[int], worker: str, now: datetime) -> int:
    """Record deliveries as sent; returns how many this worker still held."""
    result = conn.execute(
        update(DELIVERIES)
        .where(_mine(ids, worker))
        .values(status=SENT, sent_at=now, locked_until=None, locked_by="", last_error="")
    )
    return int(result.rowcount)


def mark_retry(
    conn: Connection,
    ids: Sequence[int],
    worker: str,
    next_at: datetime,
    error: str,
    digest: bool,
) -> int:
    """Put deliveries back in the queue (or back to waiting for their digest) until `next_at`."""
    result = conn.execute(
        update(DELIVERIES)
        .where(_mine(ids, worker))
        .values(
            status=DIGEST if digest else PENDING,
            next_attempt_at=next_at,
            last_error=error,
            locked_until=None,
            locked_by="",
        )
    )
    return int(result.rowcount)


def mark_failed(conn: Connection, ids: Sequence[int], worker: str, error: str) -> int:
    """Give up on deliveries: they wait in `failed` for an editor's retry."""
    result = conn.execute(
        update(DELIVERIES)
        .where(_mine(ids, worker))
        .values(status=FAILED, last_error=error, locked_until=None, locked_by="")
    )
    return int(result.rowcount)


def reap_expired(conn: Connection, now: datetime, max_attempts: int) -> int:
    """Return deliveries whose lease ran out to the queue (or fail them if out of attempts).

    The message may or may not have left before the worker stopped; sending it
    again with the same event id lets the receiver drop a duplicate.
    """
    digest_channels = select(CHANNELS.c.id).where(CHANNELS.c.digest_time.is_not(None))
    exhausted = DELIVERIES.c.attempts >= max_attempts
    result = conn.execute(
        update(DELIVERIES)
        .where(DELIVERIES.c.status == SENDING, DELIVERIES.c.locked_until < now)
        .values(
            status=case(
                (exhausted, FAILED),
                (DELIVERIES.c.channel_id.in_(digest_channels), DIGEST),
                else_=PENDING,
            ),
            last_error=LEASE_EXPIRED,
            next_attempt_at=now,
            locked_until=None,
            locked_by="",
        )
    )
    return int(result.rowcount)
