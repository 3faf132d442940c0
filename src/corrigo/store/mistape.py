"""Importing Mistape's reports: reading its table (MySQL or a CSV export) and storing them.

Reports are stored through the ingest's own grouping (:func:`store_reports`),
each with a stable ``client_id`` (``mistape-<blog>-<ID>``), so that a second
import stores nothing again. Imported groups notify nobody (their outbox rows
are marked handled in the same transaction) and take the status the newest of
their Mistape reports had.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.cursors
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import action_to
from corrigo.domain.mistape import COLUMNS, MistapeReport, client_id, from_row
from corrigo.domain.report import InputError
from corrigo.store.ingest import ReportJob, store_reports
from corrigo.store.models import OutboxEvent, Report
from corrigo.store.triage import Decision, decide

_PREFIX = re.compile(r"[A-Za-z0-9_]{0,32}")
BATCH = 200


class SourceError(Exception):
    """The Mistape table or file cannot be read; the message says why."""


@dataclass
class ImportSummary:
    """What an import did."""

    read: int = 0
    imported: int = 0
    already: int = 0
    new_groups: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # by reason
    statuses: Counter[str] = field(default_factory=Counter)  # groups touched, by status set


def mysql_rows(url: str, prefix: str, blog_id: int | None) -> tuple[int, Iterator[dict[str, Any]]]:
    """The row count and the rows of ``<prefix>mistape_reports`` at a ``mysql://`` URL.

    Only the columns in :data:`COLUMNS` are selected: never the reader's IP address.
    """
    if not _PREFIX.fullmatch(prefix):
        raise SourceError("the table prefix may hold only letters, digits and _")
    parts = urlsplit(url)
    if parts.scheme not in ("mysql", "mariadb") or not parts.hostname or not parts.path.strip("/"):
        raise SourceError("give the database as mysql://user[:password]@host[:port]/database")
    try:
        conn = pymysql.connect(
            host=parts.hostname,
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.strip("/")),
            charset="utf8mb4",
            connect_timeout=10,
            cursorclass=pymysql.cursors.SSDictCursor,
        )
    except pymysql.MySQLError as error:
        raise SourceError(f"cannot connect to MySQL: {error.args[-1]}") from None
    table = f"`{prefix}mistape_reports`"
    where, args = ("WHERE blog_id = %s", (blog_id,)) if blog_id is not None else ("", ())
    columns = ", ".join(f"`{name}`" for name in COLUMNS)
    try:
        with conn.cursor(pymysql.cursors.Cursor) as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table} {where}", args)  # noqa: S608
            total = int(cursor.fetchone()[0])
    except pymysql.MySQLError as error:
        conn.close()
        raise SourceError(f"cannot read {prefix}mistape_reports: {error.args[-1]}") from None

    def rows() -> Iterator[dict[str, Any]]:
        with closing(conn), conn.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {table} {where} ORDER BY ID", args)  # noqa: S608
            yield from cursor

    return total, rows()


def csv_rows(path: Path) -> tuple[int, Iterator[dict[str, Any]]]:
    """The rows of a CSV export of the table (a header row with its column names)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            total = max(0, sum(1 for _ in csv.reader(handle)) - 1)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SourceError(f"cannot read {path}: {error}") from None

    def rows() -> Iterator[dict[str, Any]]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                yield {name: row.get(name) for name in COLUMNS}

    return total, rows()


def _known(session: Session, site_id: int, ids: Sequence[str]) -> set[str]:
    found = session.execute(
        select(Report.client_id).where(Report.site_id == site_id, Report.client_id.in_(ids))
    )
    return {value for value in found.scalars() if value is not None}


def _store(
    session: Session, site_id: int, batch: list[MistapeReport], threshold: int
) -> tuple[int, dict[int, MistapeReport]]:
    """Store a batch; the groups it opened and, per group, its newest report of the batch."""
    jobs = [ReportJob(site_id, item.report, "", item.created_at) for item in batch]
    answers = store_reports(session.connection(), jobs, threshold)
    # Imported history notifies nobody: the outbox rows are handled at once.
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.report_id.in_([answer.report_id for answer in answers]))
        .values(processed_at=datetime.now(UTC))
    )
    newest: dict[int, MistapeReport] = {}
    for item, answer in zip(batch, answers, strict=True):
        if answer.group_id not in newest or newest[answer.group_id].created_at <= item.created_at:
            newest[answer.group_id] = item
    return sum(not answer.duplicate for answer in answers), newest


def _set_statuses(
    session: Session, newest: dict[int, MistapeReport], summary: ImportSummary
) -> None:
    """Give each group the status of its newest imported report, dated as Mistape had it."""
    for group_id, item in sorted(newest.items()):
        note = f"Imported from Mistape ({item.source_status})."
        decision = Decision(action_to(item.status), note)
        decide(session, None, [group_id], decision, None, now=item.created_at)
        summary.statuses[item.status] += 1


def import_reports(
    session: Session,
    site_id: int,
    site_key: str,
    rows: Iterable[dict[str, Any]],
    threshold: int,
    progress: Any = None,
) -> ImportSummary:
    """Import Mistape rows into a site, committing every BATCH rows; what it did.

    `progress`, when given, is told ``update(n)`` after every n rows read.
    """
    summary = ImportSummary()
    pending: list[dict[str, Any]] = []

    def flush() -> None:
        known = _known(session, site_id, [client_id(row) for row in pending])
        batch: list[MistapeReport] = []
        for row in pending:
            if client_id(row) in known:
                summary.already += 1
                continue
            try:
                batch.append(from_row(row, site_key))
            except InputError as error:
                summary.refused[error.code] += 1
            except ValueError:
                summary.refused["bad_date"] += 1
        batch.sort(key=lambda item: item.created_at)
        if batch:
            opened, newest = _store(session, site_id, batch, threshold)
            summary.imported += len(batch)
            summary.new_groups += opened
            _set_statuses(session, newest, summary)
        session.commit()
        if progress is not None:
            progress.update(len(pending))
        pending.clear()

    for row in rows:
        summary.read += 1
        pending.append(row)
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    return summary
