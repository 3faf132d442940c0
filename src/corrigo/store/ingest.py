"""Storing accepted reports: idempotency, grouping, counters and outbox rows in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, text, update

from corrigo.domain.quote import Quote, overlaps
from corrigo.domain.report import CleanReport
from corrigo.store.models import ErrorGroup, OutboxEvent, Report

GROUPS = ErrorGroup.__table__
REPORTS = Report.__table__
OUTBOX = OutboxEvent.__table__
# How many of a page's groups are compared when looking for an overlapping selection.
PAGE_CANDIDATES = 300


@dataclass(frozen=True, slots=True)
class ReportJob:
    """One accepted report with what the store needs besides the report itself."""

    site_id: int
    report: CleanReport
    reader_hash: str
    received_at: datetime


@dataclass(frozen=True, slots=True)
class StoredReport:
    """What the ingest answers: the report, its group, and whether the group existed."""

    report_id: int
    group_id: int
    duplicate: bool


def _existing_by_client_id(conn: Connection, job: ReportJob) -> StoredReport | None:
    row = conn.execute(
        select(REPORTS.c.id, REPORTS.c.group_id).where(
            REPORTS.c.site_id == job.site_id, REPORTS.c.client_id == job.report.client_id
        )
    ).first()
    if row is None:
        return None
    earlier = conn.execute(
        select(REPORTS.c.id)
        .where(REPORTS.c.group_id == row.group_id, REPORTS.c.id < row.id)
        .limit(1)
    ).first()
    return StoredReport(report_id=row.id, group_id=row.group_id, duplicate=earlier is not None)


def _find_group(conn: Connection, job: ReportJob) -> tuple[int, str, int] | None:
    """The group this report joins: same fingerprint, else an overlapping selection."""
    report = job.report
    row = conn.execute(
        select(GROUPS.c.id, GROUPS.c.status, GROUPS.c.report_count).where(
            GROUPS.c.site_id == job.site_id, GROUPS.c.fingerprint == report.fingerprint
        )
    ).first()
    if row is not None:
        return row.id, row.status, row.report_count
    candidates = conn.execute(
        select(
            GROUPS.c.id,
            GROUPS.c.status,
            GROUPS.c.report_count,
            GROUPS.c.exact,
            GROUPS.c.prefix,
            GROUPS.c.suffix,
            GROUPS.c.pos_start,
        )
        .where(
            GROUPS.c.site_id == job.site_id,
            GROUPS.c.url_hash == report.page_hash,
            GROUPS.c.status != "fixed",
        )
        .order_by(GROUPS.c.report_count.desc(), GROUPS.c.id)
        .limit(PAGE_CANDIDATES)
    ).all()
    for cand in candidates:
        quote = Quote(cand.exact, cand.prefix, cand.suffix, cand.pos_start)
        if overlaps(quote, report.quote):
            return cand.id, cand.status, cand.report_count
    return None


def _outbox(
    conn: Connection, event_type: str, job: ReportJob, group_id: int, report_id: int, count: int
) -> None:
    conn.execute(
        insert(OUTBOX).values(
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            site_id=job.site_id,
            group_id=group_id,
            report_id=report_id,
            payload={"report_count": count},
            created_at=job.received_at,
        )
    )


def store_report(conn: Connection, job: ReportJob, threshold: int) -> StoredReport:
    """Store one report inside the caller's transaction and return its ids.

    A report whose `client_id` is already stored returns the first answer again.
    A new group writes a ``group.opened`` outbox row; a group reaching
    `threshold` readers writes ``group.threshold``. A fixed group reported again
    with the same quote reopens (the fix did not reach the page); rejected and
    spam groups keep their status and stay quiet.
    """
    report = job.report
    if report.client_id:
        existing = _existing_by_client_id(conn, job)
        if existing is not None:
            return existing
    if conn.dialect.name == "postgresql":
        # Serialise grouping per page across processes; taken in page order per batch.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:h))"), {"h": report.page_hash})
    found = _find_group(conn, job)
    q = report.quote
    event: str | None = None
    if found is None:
        group_id = conn.execute(
            insert(GROUPS).values(
                site_id=job.site_id,
                fingerprint=report.fingerprint,
                url=report.normalized_url,
                url_hash=report.page_hash,
                title=report.title,
                lang=report.lang,
                author=report.author,
                exact=q.exact,
                prefix=q.prefix,
                suffix=q.suffix,
                pos_start=q.start,
                pos_end=q.end,
                status="open",
                report_count=1,
                first_seen=job.received_at,
                last_seen=job.received_at,
                status_note="",
            )
        ).inserted_primary_key[0]
        count, duplicate, event = 1, False, "group.opened"
    else:
        group_id, status, count = found
        count += 1
        values: dict[str, object] = {
            "report_count": GROUPS.c.report_count + 1,
            "last_seen": func.greatest(GROUPS.c.last_seen, job.received_at)
            if conn.dialect.name == "postgresql"
            else job.received_at,
        }
        if report.title:
            values["title"] = report.title
        if status == "fixed":
            values.update(status="open", status_changed_at=job.received_at, status_changed_by=None)
            event = "group.opened"
        elif status == "open" and count == threshold:
            event = "group.threshold"
        conn.execute(update(GROUPS).where(GROUPS.c.id == group_id).values(**values))
        duplicate = True
    report_id = conn.execute(
        insert(REPORTS).values(
            site_id=job.site_id,
            group_id=group_id,
            client_id=report.client_id,
            url=report.url,
            title=report.title,
            lang=report.lang,
            author=report.author,
            exact=q.exact,
            prefix=q.prefix,
            suffix=q.suffix,
            pos_start=q.start,
            pos_end=q.end,
            comment=report.comment,
            suggestion=report.suggestion,
            widget_version=report.widget_version,
            reader_hash=job.reader_hash,
            created_at=job.received_at,
        )
    ).inserted_primary_key[0]
    if event is not None:
        _outbox(conn, event, job, group_id, report_id, count)
    return StoredReport(report_id=report_id, group_id=group_id, duplicate=duplicate)
