"""The editors' inbox: filtered, ordered, keyset-paginated error groups, and one group in full.

Order: open groups first (then fixed, rejected, spam), inside a status the most
reported first, then the most recently reported, then the newest id. Pages
continue from a cursor holding the last row's sort key, so page 1000 costs the
same as page 1 and rows never repeat or vanish when groups change meanwhile.

Every function takes `site_ids`: the sites the asking editor may see (None for
an admin). Nothing outside them is ever read.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import Grouping

from corrigo.domain.numbers import MAX_ID, parse_id, parse_whole
from corrigo.domain.proposal import StoredProposal
from corrigo.store.checks import Verification, verification_of
from corrigo.store.errors import FieldError
from corrigo.store.models import GROUP_STATUSES, Editor, ErrorGroup, GroupEvent, Report, Site
from corrigo.store.proposals import proposal_of, proposals_of
from corrigo.store.search import group_search

# Statuses in inbox order: what still needs an editor comes first.
STATUS_ORDER = GROUP_STATUSES
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_SEARCH = 200
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A group page lists this many of the newest reports; the total is shown beside.
REPORTS_SHOWN = 200
EVENTS_SHOWN = 200


class InboxError(FieldError):
    """A filter value the inbox cannot use; `field` names it."""


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the editor asked to see. Empty values mean "no restriction"."""

    site_id: int | None = None
    status: str | None = None  # None: every status, open first
    lang: str = ""
    url_prefix: str = ""
    since: date | None = None  # a report on or after this day (UTC)
    until: date | None = None  # a report on or before this day (UTC)
    search: str = ""  # words in the quote or in a reader's comment
    still_on_page: bool = False  # only groups marked fixed that the page contradicts

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUS_ORDER:
            raise InboxError("status", "status must be one of " + ", ".join(STATUS_ORDER))
        if len(self.search) > MAX_SEARCH:
            raise InboxError("q", f"search for at most {MAX_SEARCH} characters")


@dataclass(frozen=True, slots=True)
class Cursor:
    """The sort key of the last row of a page."""

    status: str
    report_count: int
    last_seen: datetime
    group_id: int

    def encode(self) -> str:
        """An opaque, URL-safe form for links and JSON."""
        micros = (self.last_seen - EPOCH) // timedelta(microseconds=1)
        raw = f"{self.status}:{self.report_count}:{micros}:{self.group_id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """Parse :meth:`encode`'s output; raises InboxError for anything else."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            status, raw_count, raw_micros, raw_group = raw.split(":")
            group_id = parse_id(raw_group)
            count = parse_whole(raw_count, 0, 2**31 - 1)
            micros = parse_whole(raw_micros, 0, 2**62)
            if status not in STATUS_ORDER or group_id is None or count is None or micros is None:
                raise ValueError(raw)
            moment = EPOCH + timedelta(microseconds=micros)
            return cls(status, count, moment, group_id)
        except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError):
            raise InboxError("after", "the page cursor is not valid") from None


@dataclass(frozen=True, slots=True)
class InboxRow:
    """One group as the inbox lists it."""

    id: int
    site_id: int
    site_name: str
    site_key: str
    url: str
    title: str
    lang: str
    exact: str
    prefix: str
    suffix: str
    status: str
    report_count: int
    first_seen: datetime
    last_seen: datetime
    proposal: StoredProposal | None = None  # None until the proposer has seen the group
    verification: Verification | None = None
    still_on_page: bool = False
    suggestion: str = ""  # the readers' most suggested correction, if any


@dataclass(frozen=True, slots=True)
class InboxPage:
    """A page of rows and the cursor of the next page (None on the last)."""

    rows: list[InboxRow]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class EventRow:
    """One recorded decision on a group."""

    action: str
    from_status: str
    to_status: str
    note: str
    created_at: datetime
    editor_email: str | None  # None: an admin API token, or an editor since deleted


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A correction proposed by readers, and by how many of them."""

    text: str
    count: int


@dataclass(slots=True)
class GroupDetail:
    """A group with its newest reports, its proposed corrections and its history."""

    group: ErrorGroup
    site: Site
    reports: list[Report] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    proposal: StoredProposal | None = None


def like_pattern(text: str, *, prefix_only: bool = False) -> str:
    r"""A LIKE pattern matching `text` literally (``%``, ``_`` and ``\`` escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix_only else f"%{escaped}%"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, UTC)


def _scope(site_ids: Sequence[int] | None, wanted: InboxFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if site_ids is not None:
        clauses.append(ErrorGroup.site_id.in_(list(site_ids)))
    if wanted.site_id is not None:
        clauses.append(ErrorGroup.site_id == wanted.site_id)
    return clauses


def _search_clause(search: str, site_ids: Sequence[int] | None) -> ColumnElement[bool]:
    """Groups whose quote, or a reader's comment, contains the words (case-insensitive).

    Served by the trigram indexes of corrigo.store.search on both databases.
    """
    return group_search(search, like_pattern(search), site_ids)


def group_filters(wanted: InboxFilter, site_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """The WHERE clauses on groups for an inbox filter and the editor's sites (None: all)."""
    clauses = _scope(site_ids, wanted)
    if wanted.lang:
        lang = wanted.lang.lower()
        clauses.append(
            or_(
                ErrorGroup.lang == lang,
                ErrorGroup.lang.like(like_pattern(lang + "-", prefix_only=True), escape="\\"),
            )
        )
    if wanted.url_prefix:
        clauses.append(
            ErrorGroup.url.like(like_pattern(wanted.url_prefix, prefix_only=True), escape="\\")
        )
    if wanted.since or wanted.until:
        # A group has a report in the range. first/last_seen narrow the candidates
        # cheaply; the report check is exact (a group may be quiet inside its span).
        in_range = [Report.group_id == ErrorGroup.id]
        if wanted.since:
            start = _day_start(wanted.since)
            clauses.append(ErrorGroup.last_seen >= start)
            in_range.append(Report.created_at >= start)
        if wanted.until:
            end = _day_start(wanted.until + timedelta(days=1))
            clauses.append(ErrorGroup.first_seen < end)
            in_range.append(Report.created_at < end)
        clauses.append(exists().where(and_(*in_range)))
    if wanted.still_on_page:
        clauses.append(ErrorGroup.still_on_page.is_(True))
    if wanted.search.strip():
        # Parenthesised: the clause is an OR, and it is ANDed with the others.
        clauses.append(Grouping(_search_clause(wanted.search.strip(), site_ids)))
    return clauses


def _status_page(
    session: Session,
    status: str,
    clauses: list[ColumnElement[bool]],
    after: Cursor | None,
    limit: int,
) -> list[InboxRow]:
    order_key = tuple_(ErrorGroup.report_count, ErrorGroup.last_seen, ErrorGroup.id)
    query: Select[ErrorGroup, str, str] = (
        select(ErrorGroup, Site.name, Site.public_key)
        .join(Site, Site.id == ErrorGroup.site_id)
        .where(ErrorGroup.status == status, *clauses)
    )
    if after is not None and after.status == status:
        query = query.where(order_key < (after.report_count, after.last_seen, after.group_id))
    query = query.order_by(
        ErrorGroup.report_count.desc(), ErrorGroup.last_seen.desc(), ErrorGroup.id.desc()
    ).limit(limit)
    return [_row(group, name, key) for group, name, key in session.execute(query)]


def _row(group: ErrorGroup, site_name: str, site_key: str) -> InboxRow:
    return InboxRow(
        id=group.id,
        site_id=group.site_id,
        site_name=site_name,
        site_key=site_key,
        url=group.url,
        title=group.title,
        lang=group.lang,
        exact=group.exact,
        prefix=group.prefix,
        suffix=group.suffix,
        status=group.status,
        report_count=group.report_count,
        first_seen=group.first_seen,
        last_seen=group.last_seen,
        verification=verification_of(group),
        still_on_page=group.still_on_page,
    )


def inbox_page(
    session: Session,
    site_ids: Sequence[int] | None,
    wanted: InboxFilter,
    after: Cursor | None = None,
    limit: int = DEFAULT_LIMIT,
) -> InboxPage:
    """One page of the inbox for an editor who may see `site_ids` (None: all)."""
    limit = max(1, min(limit, MAX_LIMIT))
    if site_ids is not None and not site_ids:
        return InboxPage([], None)
    clauses = group_filters(wanted, site_ids)
    statuses: list[str] = [wanted.status] if wanted.status else list(STATUS_ORDER)
    if after is not None:
        if after.status not in statuses:
            return InboxPage([], None)
        statuses = statuses[statuses.index(after.status) :]
    # One query per status keeps each one a plain index range scan; asking for one row
    # more than the page tells whether another page follows.
    rows: list[InboxRow] = []
    for status in statuses:
        rows += _status_page(session, status, clauses, after, limit + 1 - len(rows))
        if len(rows) > limit:
            break
    more = len(rows) > limit
    rows = with_suggestions(session, rows[:limit])
    proposals = proposals_of(session, [row.id for row in rows])
    rows = [replace(row, proposal=proposals.get(row.id)) for row in rows]
    if not more:
        return InboxPage(rows, None)
    last = rows[-1]
    cursor = Cursor(last.status, last.report_count, last.last_seen, last.id)
    return InboxPage(rows, cursor.encode())


def with_suggestions(session: Session, rows: list[InboxRow]) -> list[InboxRow]:
    """The rows with their readers' most suggested correction (ties: the first in order)."""
    if not rows:
        return rows
    count = func.count().label("n")
    best: dict[int, tuple[int, str]] = {}
    for group_id, text, n in session.execute(
        select(Report.group_id, Report.suggestion, count)
        .where(Report.group_id.in_([row.id for row in rows]), Report.suggestion != "")
        .group_by(Report.group_id, Report.suggestion)
    ):
        if group_id not in best or (-n, text) < (-best[group_id][0], best[group_id][1]):
            best[group_id] = (n, text)
    return [replace(row, suggestion=best[row.id][1]) if row.id in best else row for row in rows]


def visible_group(
    session: Session, site_ids: Sequence[int] | None, group_id: int
) -> ErrorGroup | None:
    """The group if it exists and the editor may see it, else None."""
    if not 0 < group_id <= MAX_ID:
        return None
    group = session.get(ErrorGroup, group_id)
    if group is None or (site_ids is not None and group.site_id not in site_ids):
        return None
    return group


def suggestions_of(session: Session, group_id: int, limit: int = 10) -> list[Suggestion]:
    """Readers' corrections of a group, the most proposed first."""
    count = func.count().label("n")
    return [
        Suggestion(text, n)
        for text, n in session.execute(
            select(Report.suggestion, count)
            .where(Report.group_id == group_id, Report.suggestion != "")
            .group_by(Report.suggestion)
            .order_by(count.desc(), Report.suggestion)
            .limit(limit)
        )
    ]


def group_detail(
    session: Session, site_ids: Sequence[int] | None, group_id: int
) -> GroupDetail | None:
    """A visible group with its newest reports, suggestions and history; None if not visible."""
    group = visible_group(session, site_ids, group_id)
    if group is None:
        return None
    site = session.get(Site, group.site_id)
    assert site is not None  # the foreign key guarantees it
    detail = GroupDetail(group=group, site=site)
    detail.reports = list(
        session.execute(
            select(Report)
            .where(Report.group_id == group_id)
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(REPORTS_SHOWN)
        ).scalars()
    )
    detail.suggestions = suggestions_of(session, group_id)
    detail.events = [
        EventRow(
            event.action, event.from_status, event.to_status, event.note, event.created_at, email
        )
        for event, email in session.execute(
            select(GroupEvent, Editor.email)
            .outerjoin(Editor, Editor.id == GroupEvent.editor_id)
            .where(GroupEvent.group_id == group_id)
            .order_by(GroupEvent.created_at.desc(), GroupEvent.id.desc())
            .limit(EVENTS_SHOWN)
        )
    ]
    detail.proposal = proposal_of(session, group_id)
    return detail
