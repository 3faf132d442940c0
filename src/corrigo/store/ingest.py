"""Storing accepted reports: idempotency, grouping, counters and outbox rows in one transaction.

This is the hot path of the ingest and it works on a batch of reports (see
`corrigo.store.writer`) in three steps: read what the batch needs to know about
earlier reports and groups with a few queries; decide, report by report and in
memory, which group each one opens or joins; then write the rows with as few
statements as the database allows: ids are drawn up front (from the sequences
on PostgreSQL; on SQLite, which has one writer holding the write lock, after the
largest id), so that every write is one `executemany`. The SQL goes to
the database driver directly, written once per dialect: building SQLAlchemy
statements for every report cost several times more than running them. Values
still pass through the columns' own SQLAlchemy type conversions, so rows are
stored exactly as the ORM stores them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Column, Connection
from sqlalchemy.engine import Dialect

from corrigo.domain.lifecycle import NoticeType, Status, after_report, joins_by_overlap
from corrigo.domain.quote import Quote, overlaps
from corrigo.domain.report import CleanReport
from corrigo.store.driver_sql import for_driver
from corrigo.store.models import OutboxEvent, Report, table_of
from corrigo.store.rollups import MISPRINT_STATUSES, Rollup

# How many of a page's groups are compared when looking for an overlapping selection.
PAGE_CANDIDATES = 300
# Groups opened by the batch sort after every stored group of the same count (they
# get the highest ids), in the order the batch opens them.
_NEW_RANK = 1 << 62

# Reads for a whole batch; {values} becomes an IN list. Groups come back as id, status,
# report_count, exact, prefix, suffix, pos_start, url_hash, fingerprint, first_seen, url.
_KNOWN_CLIENTS = (
    "SELECT client_id FROM reports WHERE site_id = :site_id AND client_id IN ({values})"
)
_BY_FINGERPRINTS = (
    "SELECT id, status, report_count, exact, prefix, suffix, pos_start, url_hash, fingerprint, "
    'first_seen, url FROM "groups" WHERE site_id = :site_id AND fingerprint IN ({values})'
)
# Each page's first PAGE_CANDIDATES groups that are not fixed, most reported first.
# (S608 here and below: the statuses written into the SQL are the lifecycle's constants.)
_PAGE_GROUPS = (
    "SELECT id, status, report_count, exact, prefix, suffix, pos_start, "  # noqa: S608
    "url_hash, fingerprint, first_seen, url FROM (SELECT id, status, report_count, exact, "
    "prefix, suffix, pos_start, url_hash, fingerprint, first_seen, url, "
    "ROW_NUMBER() OVER (PARTITION BY url_hash ORDER BY report_count DESC, id) "
    f"AS place FROM \"groups\" WHERE site_id = :site_id AND status != '{Status.FIXED}' "
    "AND url_hash IN ({values})) AS ranked WHERE place <= :candidates"
)
# The first answer to a client_id stored by an earlier batch.
_CLIENT_REPORT = (
    "SELECT id, group_id FROM reports WHERE site_id = :site_id AND client_id = :client_id"
)
_EARLIER = "SELECT id FROM reports WHERE group_id = :group_id AND id < :id LIMIT 1"
_PAGE_LOCK = "SELECT pg_advisory_xact_lock(hashtext(:page_hash))"
_NEXT_IDS = "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
_LAST_ID = "SELECT coalesce(max(id), 0) FROM {table}"
# Writes. {id} is "id, " and {id_value} ":id, " where the ids are known up front.
_NEW_GROUP = (
    'INSERT INTO "groups" ({id}site_id, fingerprint, url, url_hash, title, lang, '  # noqa: S608
    "author, exact, prefix, suffix, pos_start, pos_end, status, report_count, first_seen, "
    "last_seen, status_note, proposal_due) VALUES ({id_value}:site_id, :fingerprint, "
    ":normalized_url, :url_hash, :title, :lang, :author, :exact, :prefix, :suffix, :pos_start, "
    f":pos_end, '{Status.OPEN}', 1, :received_at, :received_at, '', 1)"
)
_NEW_REPORT = (
    "INSERT INTO reports ({id}site_id, group_id, client_id, url, title, lang, author, exact, "
    "prefix, suffix, pos_start, pos_end, comment, suggestion, widget_version, reader_hash, "
    "created_at) VALUES ({id_value}:site_id, :group_id, :client_id, :url, :title, :lang, "
    ":author, :exact, :prefix, :suffix, :pos_start, :pos_end, :comment, :suggestion, "
    ":widget_version, :reader_hash, :received_at)"
)
# One UPDATE per group the batch's reports joined, summing them up. {last_seen}: on
# PostgreSQL writers run concurrently, so the newest time wins; SQLite has one writer.
# :due makes the proposer look at the group again (see _Group.due).
_SEEN_AGAIN = (
    'UPDATE "groups" SET report_count = report_count + :joined, '  # noqa: S608
    "proposal_due = proposal_due + :due, "
    "last_seen = {last_seen}, "
    "title = CASE WHEN :title = '' THEN title ELSE :title END, "
    f"status = CASE WHEN :reopen THEN '{Status.OPEN}' ELSE status END, "
    "status_changed_at = CASE WHEN :reopen THEN :reopened_at ELSE status_changed_at END, "
    "status_changed_by = CASE WHEN :reopen THEN NULL ELSE status_changed_by END "
    "WHERE id = :group_id"
)
_NEW_EVENT = (
    "INSERT INTO outbox (event_id, event_type, site_id, group_id, report_id, payload, created_at) "
    "VALUES (:event_id, :event_type, :site_id, :group_id, :report_id, :payload, :received_at)"
)


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


@dataclass(slots=True, eq=False)
class _Group:
    """A group as the batch sees it: stored state plus what the batch's reports add."""

    id: int | None  # None until a group the batch opens is written
    rank: int  # breaks ties between equal counts, like the id does in the database
    status: Status
    count: int
    quote: Quote
    page: str
    first_seen: Any  # as the database returned it, or the opening report's time
    url: str
    joined: int = 0  # the batch's reports that joined it (not the one that opened it)
    last_seen: Any = None  # the time to store as last_seen after them
    title: str = ""  # the last non-empty title among them
    reopened_at: Any = None
    # Its joining reports with a suggestion, and its notices: a notification waits for a
    # proposal computed after its event, and a reopened group's may predate what its fix
    # taught the site's memory. Other reports change nothing a proposal is made from.
    due: int = 0


@dataclass(slots=True)
class _Plan:
    """What the batch decided for one report, and its ids once written."""

    job: ReportJob
    received_at: Any  # converted for the database
    group: _Group | None = None
    opened: bool = False
    event: NoticeType | None = None
    count: int = 0  # the group's readers after this report
    report_id: int | None = None
    earlier: StoredReport | None = None  # a retry of a report from an earlier batch
    first: _Plan | None = None  # a retry of a report earlier in this batch

    def answer(self) -> StoredReport:
        """What the ingest answers for this report."""
        if self.first is not None:
            return self.first.answer()
        if self.earlier is not None:
            return self.earlier
        assert self.group is not None and self.group.id is not None
        assert self.report_id is not None
        return StoredReport(self.report_id, self.group.id, duplicate=not self.opened)


def _converter(column: Column[Any], dialect: Dialect) -> Callable[[Any], Any]:
    """The column type's own bind conversion for this dialect (identity when it has none)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else lambda value: value


@cache
def _in_list(postgresql: bool, template: str, size: int) -> str:
    """`template` with ``{values}`` replaced by `size` placeholders :v0, :v1…"""
    placeholders = ", ".join(f":v{i}" for i in range(size))
    return for_driver(postgresql, template.replace("{values}", placeholders))


class _Dialect:
    """The statements in one dialect's parameter style, and its value conversions."""

    def __init__(self, dialect: Dialect) -> None:
        pg = self.postgresql = dialect.name == "postgresql"
        self.when = _converter(table_of(Report).c.created_at, dialect)
        self.payload = _converter(table_of(OutboxEvent).c.payload, dialect)
        self.client_report = for_driver(pg, _CLIENT_REPORT)
        self.earlier = for_driver(pg, _EARLIER)
        self.page_lock = for_driver(pg, _PAGE_LOCK)
        self.next_ids = for_driver(pg, _NEXT_IDS)
        ids = {"id": "id, ", "id_value": ":id, "}
        self.new_group = for_driver(pg, _NEW_GROUP.format(**ids))
        self.new_report = for_driver(pg, _NEW_REPORT.format(**ids))
        last_seen = "GREATEST(last_seen, :last_seen)" if pg else ":last_seen"
        self.seen_again = for_driver(pg, _SEEN_AGAIN.format(last_seen=last_seen))
        self.new_event = for_driver(pg, _NEW_EVENT)

    def in_list(self, template: str, size: int) -> str:
        """A statement with an IN list of `size` values named :v0, :v1…"""
        return _in_list(self.postgresql, template, size)


_DIALECTS: dict[str, _Dialect] = {}


def _dialect(dialect: Dialect) -> _Dialect:
    found = _DIALECTS.get(dialect.name)
    if found is None:
        found = _DIALECTS[dialect.name] = _Dialect(dialect)
    return found


def _chunks(values: Sequence[str], size: int = 500) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class _Batch:
    """One batch's view of the store: read once for all its reports, then kept current."""

    cursor: Any
    sql: _Dialect
    groups: dict[int, _Group] = field(default_factory=dict)
    by_fingerprint: dict[tuple[int, str], _Group] = field(default_factory=dict)
    # (site, page) → its groups that may take overlapping selections; present once read.
    pages: dict[tuple[int, str], list[_Group]] = field(default_factory=dict)
    # (site, client_id) of reports stored before this batch.
    stored_clients: set[tuple[int, str]] = field(default_factory=set)
    planned_clients: dict[tuple[int, str], _Plan] = field(default_factory=dict)
    opened: list[_Group] = field(default_factory=list)
    joined: list[_Group] = field(default_factory=list)

    def read(self, jobs: Sequence[ReportJob]) -> None:
        """Read, per site, the stored client_ids, groups and pages the jobs refer to."""
        for site_id in sorted({job.site_id for job in jobs}):
            reports = [job.report for job in jobs if job.site_id == site_id]
            client_ids = [report.client_id for report in reports if report.client_id]
            for (client_id,) in self._rows(_KNOWN_CLIENTS, site_id, client_ids):
                self.stored_clients.add((site_id, client_id))
            for row in self._rows(_BY_FINGERPRINTS, site_id, [r.fingerprint for r in reports]):
                self.by_fingerprint[(site_id, row[8])] = self._group(row)
            unmatched = [
                report.page_hash
                for report in reports
                if (site_id, report.fingerprint) not in self.by_fingerprint
            ]
            for page in unmatched:
                self.pages.setdefault((site_id, page), [])
            for row in self._rows(_PAGE_GROUPS, site_id, unmatched):
                self.pages[(site_id, row[7])].append(self._group(row))

    def _rows(self, template: str, site_id: int, values: Iterable[str]) -> list[Sequence[Any]]:
        rows: list[Sequence[Any]] = []
        for chunk in _chunks(sorted(set(values))):
            params: dict[str, Any] = {f"v{i}": value for i, value in enumerate(chunk)}
            params.update(site_id=site_id, candidates=PAGE_CANDIDATES)
            self.cursor.execute(self.sql.in_list(template, len(chunk)), params)
            rows += self.cursor.fetchall()
        return rows

    def _group(self, row: Sequence[Any]) -> _Group:
        """The batch's one object for a group row (a group read twice stays one object)."""
        group_id, status, count, exact, prefix, suffix, start, page, _print, seen, url = row
        group = self.groups.get(group_id)
        if group is None:
            quote = Quote(exact, prefix, suffix, start)
            group = _Group(group_id, group_id, Status(status), count, quote, page, seen, url)
            self.groups[group_id] = group
        return group

    def _find(self, job: ReportJob) -> _Group | None:
        """The group this report joins: same fingerprint, else an overlapping selection."""
        report = job.report
        group = self.by_fingerprint.get((job.site_id, report.fingerprint))
        if group is not None:
            return group
        # The page was read: its report's fingerprint had no group then.
        ranked = sorted(
            (
                group
                for group in self.pages[(job.site_id, report.page_hash)]
                if joins_by_overlap(group.status)
            ),
            key=lambda group: (-group.count, group.rank),
        )
        for group in ranked[:PAGE_CANDIDATES]:
            if overlaps(group.quote, report.quote):
                return group
        return None

    def plan(self, job: ReportJob, threshold: int) -> _Plan:
        """Decide what storing this report does, after the batch's earlier reports."""
        plan = _Plan(job, self.sql.when(job.received_at))
        report = job.report
        if report.client_id:
            key = (job.site_id, report.client_id)
            if key in self.planned_clients:
                plan.first = self.planned_clients[key]
                return plan
            if key in self.stored_clients:
                plan.earlier = self._stored_answer(job.site_id, report.client_id)
                return plan
            self.planned_clients[key] = plan
        group = self._find(job)
        if group is None:
            quote, page, url = report.quote, report.page_hash, report.normalized_url
            after = after_report(None, 1, threshold)
            rank = _NEW_RANK + len(self.opened)
            group = _Group(None, rank, after.status, 1, quote, page, job.received_at, url)
            self.opened.append(group)
            self.by_fingerprint[(job.site_id, report.fingerprint)] = group
            self.pages.get((job.site_id, page), []).append(group)
            plan.opened, plan.event = True, after.notice
        else:
            group.count += 1
            group.joined += 1
            if group.joined == 1:
                self.joined.append(group)
            newest = self.sql.postgresql and group.last_seen is not None
            group.last_seen = max(group.last_seen, plan.received_at) if newest else plan.received_at
            if report.title:
                group.title = report.title
            if report.suggestion:
                group.due += 1
            # A group found by its fingerprint may be new to the page's candidates: a fixed
            # one reopening, or one that was not among the most reported when read.
            candidates = self.pages.get((job.site_id, group.page))
            if candidates is not None and group not in candidates:
                candidates.append(group)
            after = after_report(group.status, group.count, threshold)
            if after.reopened:  # the fix did not reach the page
                group.reopened_at = plan.received_at
            group.status, plan.event = after.status, after.notice
            if plan.event is not None:
                group.due += 1
        plan.group, plan.count = group, group.count
        return plan

    def rollup(self, plans: list[_Plan]) -> Rollup:
        """What the written reports change in the statistics' rollups."""
        rollup = Rollup()
        for plan in plans:
            group = plan.group
            if group is None:  # a retry: nothing new was stored
                continue
            site_id, at = plan.job.site_id, plan.job.received_at
            rollup.reports(site_id, at)
            if plan.opened:
                rollup.opened(site_id, at)
                rollup.misprints(site_id, (group.page, group.url), at, 1, 1)
            elif group.status in MISPRINT_STATUSES:
                # Reopening keeps a fixed group a misprint: only its counter grows.
                rollup.misprints(site_id, (group.page, group.url), group.first_seen, 0, 1)
        for group in self.joined:
            if group.reopened_at is not None:
                assert group.id is not None
                rollup.unfix(group.id)
        return rollup

    def _stored_answer(self, site_id: int, client_id: str) -> StoredReport:
        self.cursor.execute(self.sql.client_report, {"site_id": site_id, "client_id": client_id})
        report_id, group_id = self.cursor.fetchone()
        self.cursor.execute(self.sql.earlier, {"group_id": group_id, "id": report_id})
        earlier = self.cursor.fetchone()
        return StoredReport(report_id=report_id, group_id=group_id, duplicate=earlier is not None)

    def write(self, plans: list[_Plan]) -> None:
        """Insert the new groups, reports and outbox rows; sum the joins up per group."""
        fresh = [plan for plan in plans if plan.group is not None]
        openers = [plan for plan in fresh if plan.opened]
        group_rows = [_report_values(plan) for plan in openers]
        group_ids = self._insert("groups", self.sql.new_group, group_rows)
        for plan, group_id in zip(openers, group_ids, strict=True):
            assert plan.group is not None
            plan.group.id = group_id
        report_rows = [_report_values(plan) for plan in fresh]
        report_ids = self._insert("reports", self.sql.new_report, report_rows)
        for plan, report_id in zip(fresh, report_ids, strict=True):
            plan.report_id = report_id
        if self.joined:
            rows = [_seen_again_values(group) for group in self.joined]
            self.cursor.executemany(self.sql.seen_again, rows)
        events = [_event_values(plan, self.sql) for plan in fresh if plan.event is not None]
        if events:
            self.cursor.executemany(self.sql.new_event, events)

    def _insert(self, table: str, statement: str, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows in order; return their ids."""
        if not rows:
            return []
        if self.sql.postgresql:
            self.cursor.execute(self.sql.next_ids, {"table": f'"{table}"', "count": len(rows)})
            ids = sorted(row[0] for row in self.cursor.fetchall())
        else:
            # What SQLite itself would choose: one past the largest id, and so on.
            self.cursor.execute(_LAST_ID.format(table=f'"{table}"'))
            last = self.cursor.fetchone()[0]
            ids = list(range(last + 1, last + 1 + len(rows)))
        for row, new_id in zip(rows, ids, strict=True):
            row["id"] = new_id
        self.cursor.executemany(statement, rows)
        return ids


def _report_values(plan: _Plan) -> dict[str, Any]:
    """The parameters of a report's row, and of the group row it opens."""
    job, report = plan.job, plan.job.report
    q = report.quote
    return {
        "site_id": job.site_id,
        "group_id": plan.group.id if plan.group is not None else None,
        "client_id": report.client_id,
        "url": report.url,
        "normalized_url": report.normalized_url,
        "url_hash": report.page_hash,
        "fingerprint": report.fingerprint,
        "title": report.title,
        "lang": report.lang,
        "author": report.author,
        "exact": q.exact,
        "prefix": q.prefix,
        "suffix": q.suffix,
        "pos_start": q.start,
        "pos_end": q.end,
        "comment": report.comment,
        "suggestion": report.suggestion,
        "widget_version": report.widget_version,
        "reader_hash": job.reader_hash,
        "received_at": plan.received_at,
    }


def _seen_again_values(group: _Group) -> dict[str, Any]:
    return {
        "group_id": group.id,
        "joined": group.joined,
        "due": group.due,
        "last_seen": group.last_seen,
        "title": group.title,
        "reopen": group.reopened_at is not None,
        "reopened_at": group.reopened_at,
    }


def _event_values(plan: _Plan, sql: _Dialect) -> dict[str, Any]:
    assert plan.group is not None
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": plan.event,
        "site_id": plan.job.site_id,
        "group_id": plan.group.id,
        "report_id": plan.report_id,
        "payload": sql.payload({"report_count": plan.count}),
        "received_at": plan.received_at,
    }


def store_reports(
    conn: Connection, jobs: Sequence[ReportJob], threshold: int
) -> list[StoredReport]:
    """Store reports, in order, inside the caller's transaction; return their answers.

    A report whose `client_id` is already stored returns the first answer again.
    A new group writes a ``group.opened`` outbox row; a group reaching
    `threshold` readers writes ``group.threshold``. A fixed group reported again
    with the same quote reopens (the fix did not reach the page); rejected and
    spam groups keep their status and stay quiet.
    """
    sql = _dialect(conn.dialect)
    with closing(conn.connection.cursor()) as cursor:
        driver = conn.connection.dbapi_connection
        if not sql.postgresql and not getattr(driver, "in_transaction", True):
            # Take SQLite's write lock before reading, so that nothing changes between what
            # the batch reads and what it writes.
            cursor.execute("BEGIN IMMEDIATE")
        if sql.postgresql:
            # Serialise grouping per page across processes, taking the locks in page order
            # (the same in every batch, so two writers never deadlock) before reading.
            pages = sorted({job.report.page_hash for job in jobs})
            cursor.executemany(sql.page_lock, [{"page_hash": page} for page in pages])
        batch = _Batch(cursor, sql)
        batch.read(jobs)
        plans = [batch.plan(job, threshold) for job in jobs]
        batch.write(plans)
    # Last, so that on PostgreSQL the rollups' shared day rows stay locked only until commit.
    batch.rollup(plans).write(conn)
    return [plan.answer() for plan in plans]


def store_report(conn: Connection, job: ReportJob, threshold: int) -> StoredReport:
    """Store one report inside the caller's transaction (see :func:`store_reports`)."""
    return store_reports(conn, [job], threshold)[0]
