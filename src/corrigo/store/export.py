"""Exporting groups and reports as CSV or JSON, streamed.

Groups are read in keyset batches (``id > last ORDER BY id LIMIT n``), with
their reports, each batch in its own short read, so an export of a million
rows holds one batch in memory and never a long transaction. CSV cells that a
spreadsheet would evaluate are neutralised
(:func:`corrigo.domain.spreadsheet.neutralise_cell`); JSON is an array of flat
objects with the same keys as the CSV columns.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from corrigo.domain.fragment import fragment_link
from corrigo.domain.proposal import StoredProposal
from corrigo.domain.spreadsheet import neutralise_cell
from corrigo.store.inbox import InboxFilter
from corrigo.store.inbox import group_filters as inbox_clauses
from corrigo.store.models import ErrorGroup, Report, Site
from corrigo.store.proposals import proposals_of

What = Literal["groups", "reports"]
Format = Literal["csv", "json"]
WHATS: tuple[What, ...] = ("groups", "reports")
FORMATS: tuple[Format, ...] = ("csv", "json")
# Groups per read (with their reports, for a reports export).
BATCH = 1000
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

GROUP_COLUMNS = (
    "id", "site", "status", "report_count", "url", "title", "lang", "author",
    "exact", "prefix", "suffix", "pos_start", "pos_end", "first_seen", "last_seen",
    "status_changed_at", "status_note", "fragment_url", "proposal", "proposal_source",
)  # fmt: skip
# Columns that are not the group's own: built (`site`, `fragment_url`) or the proposal's.
_DERIVED = ("site", "fragment_url", "proposal", "proposal_source")
REPORT_COLUMNS = (
    "id", "group_id", "site", "group_status", "url", "title", "lang", "author",
    "exact", "prefix", "suffix", "pos_start", "pos_end", "comment", "suggestion",
    "widget_version", "created_at",
)  # fmt: skip


# The exported reports under another name: the inbox's filters look into `reports`
# in subqueries of their own (a report in the date range, a matching comment), which
# must not be correlated with the rows being exported.
EXPORTED = aliased(Report, name="exported_reports")
# Group columns read from the groups table.
_GROUP_FIELDS = [getattr(ErrorGroup, name) for name in GROUP_COLUMNS if name not in _DERIVED]
_REPORT_FIELDS = [
    ErrorGroup.status if name == "group_status" else getattr(EXPORTED, name)
    for name in REPORT_COLUMNS
    if name != "site"
]


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _group_record(row: Any, site_key: str, stored: StoredProposal | None) -> dict[str, Any]:
    values = dict(zip((c.key for c in _GROUP_FIELDS), (_value(v) for v in row), strict=True))
    values["site"] = site_key
    values["fragment_url"] = fragment_link(
        values["url"], values["exact"], values["prefix"], values["suffix"]
    )
    proposal = stored.proposal if stored is not None else None
    values["proposal"] = proposal.text if proposal else ""
    values["proposal_source"] = proposal.source if proposal else ""
    return {name: values[name] for name in GROUP_COLUMNS}


def _report_record(row: Any, site_key: str) -> dict[str, Any]:
    names = [name for name in REPORT_COLUMNS if name != "site"]
    values = dict(zip(names, (_value(v) for v in row), strict=True))
    values["site"] = site_key
    return {name: values[name] for name in REPORT_COLUMNS}


def _report_range(wanted: InboxFilter) -> list[ColumnElement[bool]]:
    """The inbox picks groups with a report in the date range; of those, only the
    reports inside the range are exported."""
    clauses = []
    if wanted.since:
        clauses.append(EXPORTED.created_at >= datetime.combine(wanted.since, time.min, UTC))
    if wanted.until:
        end = datetime.combine(wanted.until + timedelta(days=1), time.min, UTC)
        clauses.append(EXPORTED.created_at < end)
    return clauses


def records(
    open_session: Callable[[], Session],
    what: What,
    site_ids: Sequence[int] | None,
    wanted: InboxFilter,
    batch: int = BATCH,
) -> Iterator[dict[str, Any]]:
    """The groups the inbox shows for `wanted`, or their reports, as flat dicts.

    Groups come in id order; reports group by group (in group id order), each
    group's in id order. `site_ids` are the sites the editor may see (None:
    all); nothing else is read. Groups are read `batch` at a time by keyset
    (``id > last``), then that batch's reports, each batch in a session of its
    own from `open_session` (a sessionmaker), so no read outlives a batch and
    every batch costs the same however far the export has gone.
    """
    clauses = inbox_clauses(wanted, site_ids)
    # The inbox runs one query per status; here the status is one more condition.
    if wanted.status:
        clauses.append(ErrorGroup.status == wanted.status)
    with open_session() as session:
        # A handful of rows; joining sites instead would lead the planners astray.
        site_keys = {
            site_id: key for site_id, key in session.execute(select(Site.id, Site.public_key))
        }
    last = 0
    while True:
        with open_session() as session:
            groups = session.execute(
                select(ErrorGroup.site_id, *_GROUP_FIELDS)
                .where(ErrorGroup.id > last, *clauses)
                .order_by(ErrorGroup.id)
                .limit(batch)
            ).all()
            proposals = proposals_of(session, [g.id for g in groups]) if what == "groups" else {}
            if what == "reports" and groups:
                reports = session.execute(
                    select(EXPORTED.site_id, *_REPORT_FIELDS)
                    .join(ErrorGroup, ErrorGroup.id == EXPORTED.group_id)
                    .where(EXPORTED.group_id.in_([g.id for g in groups]), *_report_range(wanted))
                    .order_by(EXPORTED.group_id, EXPORTED.id)
                ).all()
        if what == "groups":
            for row in groups:
                yield _group_record(row[1:], site_keys[row.site_id], proposals.get(row.id))
        else:
            for row in reports if groups else []:
                yield _report_record(row[1:], site_keys[row.site_id])
        if len(groups) < batch:
            return
        last = groups[-1].id


def columns_of(what: What) -> tuple[str, ...]:
    """The column names of an export, in order."""
    return GROUP_COLUMNS if what == "groups" else REPORT_COLUMNS


def csv_row(values: Iterable[Any]) -> str:
    """One CSV line (CRLF-terminated, RFC 4180); text cells neutralised against formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        neutralise_cell(value) if isinstance(value, str) else ("" if value is None else value)
        for value in values
    )
    return buffer.getvalue()


def csv_chunks(
    rows: Iterable[dict[str, Any]],
    columns: tuple[str, ...],
    bom: bool = False,
    per_chunk: int = 500,
) -> Iterator[str]:
    """A CSV document in pieces of about `per_chunk` rows: header first.

    `bom` prefixes a UTF-8 byte-order mark, which makes spreadsheets read the
    file as UTF-8 (Ukrainian titles would otherwise turn into mojibake).
    """
    pending = [("\ufeff" if bom else "") + csv_row(columns)]
    for row in rows:
        pending.append(csv_row(row[name] for name in columns))
        if len(pending) >= per_chunk:
            yield "".join(pending)
            pending = []
    yield "".join(pending)


def json_chunks(rows: Iterable[dict[str, Any]], per_chunk: int = 500) -> Iterator[str]:
    """A JSON array of the rows in pieces of about `per_chunk` rows."""
    pending = ["["]
    first = True
    for row in rows:
        pending.append(("\n" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(pending) >= per_chunk:
            yield "".join(pending)
            pending = []
    pending.append("\n]\n")
    yield "".join(pending)


def export_chunks(
    open_session: Callable[[], Session],
    what: What,
    fmt: Format,
    site_ids: Sequence[int] | None,
    wanted: InboxFilter,
    bom: bool = False,
) -> Iterator[str]:
    """The whole export document as text pieces, read from the store as it is written."""
    rows = records(open_session, what, site_ids, wanted)
    if fmt == "csv":
        return csv_chunks(rows, columns_of(what), bom=bom)
    return json_chunks(rows)
