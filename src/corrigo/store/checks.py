"""The page checker's database work: which groups are due, page claims, and outcomes.

A group is due for a check when its ``check_due_at`` has come: an editor
marked it fixed, someone asked for a check, or (for open groups) the site's
interval has passed since the last one (:func:`schedule_open_groups`). Checks
are done per page: a worker claims the ``checked_pages`` row of a page with a
lease, exactly as the notifier claims deliveries (one ``UPDATE … WHERE <still
claimable> … RETURNING``, candidates picked ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL), so two workers never fetch one page at once. The outcomes are
written in one transaction: the group's last check, and what it changes — an
open group found corrected is fixed by the checker, a fixed group found still
there is flagged (with a history event and a ``group.still_present`` outbox
row), and a later check that finds it corrected clears the flag.

:func:`check_soon` is the call for other features (the dashboard's decisions,
the "apply the correction" of the CMS connectors): it asks for a check of some
groups at the workers' next look, within seconds.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import NoticeType, Status, corrected_on_page
from corrigo.store.lexicon import learn_fix
from corrigo.store.models import CheckedPage, ErrorGroup, GroupEvent, OutboxEvent, Site, table_of
from corrigo.store.rollups import Rollup

GROUPS = table_of(ErrorGroup)
PAGES = table_of(CheckedPage)
SITES = table_of(Site)
EVENTS = table_of(GroupEvent)
OUTBOX = table_of(OutboxEvent)

OUTCOMES = ("present", "corrected", "missing", "unreachable")
# History actions written by the checker (no editor): found corrected, found still there.
ACTION_CORRECTED = "corrected"
ACTION_STILL_PRESENT = "still_present"
MAX_NOW = 1000


@dataclass(frozen=True, slots=True)
class GroupToCheck:
    """One due group of a claimed page: its quote and status."""

    id: int
    status: str
    still_on_page: bool
    exact: str
    prefix: str
    suffix: str
    pos_start: int | None


@dataclass(slots=True)
class ClaimedPage:
    """A page this worker now fetches, with its site's rules and its due groups."""

    id: int
    site_id: int
    url: str
    etag: str
    last_modified: str
    texts: list[str] | None
    allowed_origins: list[str]
    article_selector: str | None
    groups: list[GroupToCheck] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found for one group."""

    group_id: int
    outcome: str
    now: str | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Verification:
    """A group's last check as the API and the pages show it."""

    outcome: str
    checked_at: datetime
    now: str | None
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        """The API's ``verification`` object."""
        return {
            "outcome": self.outcome,
            "checked_at": self.checked_at.isoformat(),
            "now": self.now,
            "reason": self.reason,
        }


def verification_of(group: Any) -> Verification | None:
    """The last check of a group (ORM object or row); None when it was never checked."""
    if group.checked_at is None or group.check_outcome is None:
        return None
    return Verification(
        group.check_outcome, group.checked_at, group.check_now, group.check_reason or None
    )


def check_soon(conn: Connection, group_ids: Sequence[int], now: datetime) -> None:
    """Ask the workers to check these groups' pages at their next look (within seconds)."""
    if group_ids:
        wanted = GROUPS.c.id.in_(list(group_ids))
        conn.execute(update(GROUPS).where(wanted).values(check_due_at=now))
        add_missing_pages(conn, wanted)


def site_intervals(conn: Connection, default: int | None) -> dict[int, int]:
    """Site id → seconds between checks of its open groups, for sites that check at all."""
    intervals = {}
    for site_id, own in conn.execute(select(SITES.c.id, SITES.c.verify_interval)):
        seconds = default if own is None else own
        if seconds:
            intervals[site_id] = seconds
    return intervals


def schedule_open_groups(conn: Connection, now: datetime, default: int | None) -> None:
    """Make open groups due whose last check (or first report) is an interval old.

    The workers' job table runs this every few seconds (corrigo.workers.jobs).
    """
    intervals = site_intervals(conn, default)
    for site_id, seconds in intervals.items():
        cutoff = now - timedelta(seconds=seconds)
        conn.execute(
            update(GROUPS)
            .where(
                GROUPS.c.site_id == site_id,
                GROUPS.c.status == Status.OPEN,
                GROUPS.c.check_due_at.is_(None),
                or_(
                    GROUPS.c.checked_at <= cutoff,
                    and_(GROUPS.c.checked_at.is_(None), GROUPS.c.first_seen <= cutoff),
                ),
            )
            .values(check_due_at=now)
        )
    # Also the pages of groups made due some other way (a check_due_at set directly).
    add_missing_pages(conn, GROUPS.c.check_due_at <= now)


def _page_of_group() -> Any:
    return and_(GROUPS.c.site_id == PAGES.c.site_id, GROUPS.c.url_hash == PAGES.c.url_hash)


def add_missing_pages(conn: Connection, which: Any) -> None:
    """Create the page rows (claimed by the workers) of the groups `which` selects.

    Called where groups become due, not where pages are claimed: a claim then
    starts from the due groups alone, however many groups wait for their turn.
    """
    missing = (
        select(GROUPS.c.site_id, GROUPS.c.url_hash, GROUPS.c.url)
        .where(which, ~exists().where(_page_of_group()))
        .distinct()
    )
    rows = {
        (row.site_id, row.url_hash): {
            "site_id": row.site_id,
            "url_hash": row.url_hash,
            "url": row.url,
            "etag": "",
            "last_modified": "",
            "locked_by": "",
        }
        for row in conn.execute(missing)
    }
    if rows:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(PAGES).on_conflict_do_nothing(), list(rows.values()))


def claim_pages(
    conn: Connection,
    now: datetime,
    worker: str,
    lease_until: datetime,
    limit: int,
    group_ids: Sequence[int] | None = None,
) -> list[ClaimedPage]:
    """Claim up to `limit` pages with due groups (only those of `group_ids`, if given)."""
    due = [GROUPS.c.check_due_at <= now]
    if group_ids is not None:
        due.append(GROUPS.c.id.in_(list(group_ids)))
    free = or_(PAGES.c.locked_until.is_(None), PAGES.c.locked_until < now)
    # From the due groups (indexed) to their pages; a page with several due groups
    # may come twice, which only makes the claim a little smaller.
    pick = (
        select(PAGES.c.id)
        .join(GROUPS, _page_of_group())
        .where(free, *due)
        .order_by(GROUPS.c.check_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True, of=PAGES)
    )
    claimed = conn.execute(
        update(PAGES)
        .where(PAGES.c.id.in_(pick.scalar_subquery()), free)
        .values(locked_by=worker, locked_until=lease_until)
        .returning(PAGES.c.id)
    ).scalars()
    ids = list(claimed)
    if not ids:
        return []
    pages: dict[int, ClaimedPage] = {}
    for row in conn.execute(
        select(PAGES, SITES.c.allowed_origins, SITES.c.article_selector)
        .join(SITES, SITES.c.id == PAGES.c.site_id)
        .where(PAGES.c.id.in_(ids))
    ):
        pages[row.id] = ClaimedPage(
            row.id,
            row.site_id,
            row.url,
            row.etag,
            row.last_modified,
            row.texts,
            list(row.allowed_origins or ()),
            row.article_selector,
        )
    query = (
        select(PAGES.c.id.label("page_id"), GROUPS)
        .join(GROUPS, _page_of_group())
        .where(PAGES.c.id.in_(ids), GROUPS.c.check_due_at <= now)
    )
    if group_ids is not None:
        query = query.where(GROUPS.c.id.in_(list(group_ids)))
    for row in conn.execute(query):
        pages[row.page_id].groups.append(
            GroupToCheck(
                row.id,
                row.status,
                row.still_on_page,
                row.exact,
                row.prefix,
                row.suffix,
                row.pos_start,
            )
        )
    return list(pages.values())


def release_page(
    conn: Connection,
    page_id: int,
    worker: str,
    now: datetime,
    fetched: tuple[str, str, list[str] | None] | None,
) -> None:
    """Let go of a claimed page; with `fetched` (etag, last_modified, texts) keep them.

    Texts of None mean the page was as before (304): the stored ones stay.
    """
    values: dict[str, Any] = {"locked_by": "", "locked_until": None}
    if fetched is not None:
        etag, last_modified, texts = fetched
        values.update(etag=etag[:1000], last_modified=last_modified[:100], fetched_at=now)
        if texts is not None:
            values["texts"] = texts
    conn.execute(
        update(PAGES).where(PAGES.c.id == page_id, PAGES.c.locked_by == worker).values(values)
    )


def _event(group_id: int, action: str, from_status: str, to_status: str, note: str) -> Any:
    return {
        "group_id": group_id,
        "editor_id": None,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
    }


def record_results(
    conn: Connection, page: ClaimedPage, results: Sequence[CheckResult], now: datetime
) -> None:
    """Write the checks of a page's groups and what they change (see the module)."""
    by_id = {group.id: group for group in page.groups}
    events: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    plain: list[dict[str, Any]] = []  # checks that change nothing else: one executemany
    fixed_now: list[int] = []
    learned: list[tuple[str, str]] = []  # (quote, what the page reads now) of those
    for result in results:
        group = by_id[result.group_id]
        now_text = None if result.now is None else result.now[:MAX_NOW]
        values: dict[str, Any] = {
            "checked_at": now,
            "check_outcome": result.outcome,
            "check_now": now_text,
            "check_reason": result.reason,
            "check_due_at": None,
        }
        change = f"{group.exact} → {now_text}"
        # The status is re-checked in the UPDATE: an editor may have decided meanwhile.
        where = [GROUPS.c.id == group.id, GROUPS.c.check_due_at <= now]
        fixed_status = corrected_on_page(Status(group.status))
        if result.outcome == "corrected" and fixed_status is not None:
            fixed = {
                **values,
                "status": fixed_status,
                "status_changed_at": now,
                "status_changed_by": None,
                "status_note": change,
            }
            if _update(conn, [*where, GROUPS.c.status == group.status], fixed):
                events.append(
                    _event(group.id, ACTION_CORRECTED, group.status, fixed_status, change)
                )
                fixed_now.append(group.id)
                if now_text:
                    learned.append((group.exact, now_text))
            continue
        if group.status == Status.FIXED and result.outcome in ("present", "corrected"):
            flag = result.outcome == "present"
            if flag != group.still_on_page:
                changed = {**values, "still_on_page": flag}
                if _update(conn, [*where, GROUPS.c.status == Status.FIXED], changed):
                    action = ACTION_STILL_PRESENT if flag else ACTION_CORRECTED
                    note = "" if flag else change
                    events.append(_event(group.id, action, Status.FIXED, Status.FIXED, note))
                    if flag:
                        outbox.append(_still_present(page.site_id, group.id, now))
                continue
        plain.append(
            {
                "b_id": group.id,
                "b_outcome": result.outcome,
                "b_now": now_text,
                "b_reason": result.reason,
            }
        )
    if plain:
        conn.execute(
            update(GROUPS)
            .where(GROUPS.c.id == bindparam("b_id"), GROUPS.c.check_due_at <= now)
            .values(
                checked_at=now,
                check_outcome=bindparam("b_outcome"),
                check_now=bindparam("b_now"),
                check_reason=bindparam("b_reason"),
                check_due_at=None,
            ),
            plain,
        )
    for event in events:
        event["created_at"] = now
    if events:
        conn.execute(insert(EVENTS), events)
    if outbox:
        conn.execute(insert(OUTBOX), outbox)
    if fixed_now:
        rollup = Rollup()
        seen = select(GROUPS.c.id, GROUPS.c.first_seen).where(GROUPS.c.id.in_(fixed_now))
        for group_id, first_seen in conn.execute(seen):
            rollup.fixed(group_id, page.site_id, first_seen, now)
        rollup.write(conn)
    if learned:
        # What the page reads now is the newsroom's own correction: the site's memory
        # learns it, as it learns an editor's (a session on this transaction's connection).
        with Session(bind=conn) as session:
            for exact, corrected in learned:
                learn_fix(session, page.site_id, exact, corrected, now)


def _update(conn: Connection, where: list[Any], values: dict[str, Any]) -> bool:
    return bool(conn.execute(update(GROUPS).where(*where).values(values)).rowcount)


def _still_present(site_id: int, group_id: int, now: datetime) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": NoticeType.STILL_PRESENT,
        "site_id": site_id,
        "group_id": group_id,
        "report_id": None,
        "payload": {},
        "created_at": now,
    }


def groups_to_verify(
    conn: Connection, site_id: int | None, group_ids: Sequence[int], every: bool
) -> list[Any]:
    """Rows (id, url, check_outcome) of the groups ``corrigo verify`` is asked about, by id.

    The given ids, or else the open groups (every group with `every`), of one site or all.
    """
    query = select(GROUPS.c.id, GROUPS.c.url, GROUPS.c.check_outcome).order_by(GROUPS.c.id)
    if group_ids:
        query = query.where(GROUPS.c.id.in_(list(group_ids)))
    elif not every:
        query = query.where(GROUPS.c.status == Status.OPEN)
    if site_id is not None:
        query = query.where(GROUPS.c.site_id == site_id)
    return list(conn.execute(query))


def still_due(conn: Connection, group_ids: Sequence[int], now: datetime) -> list[int]:
    """Those of the groups whose asked-for check has not been done yet."""
    return list(
        conn.execute(
            select(GROUPS.c.id).where(
                GROUPS.c.id.in_(list(group_ids)), GROUPS.c.check_due_at <= now
            )
        ).scalars()
    )


def checked_since(conn: Connection, group_id: int, since: datetime) -> bool:
    """Whether the group's page was checked at or after `since` (on-demand checks wait on it)."""
    checked = conn.execute(select(GROUPS.c.checked_at).where(GROUPS.c.id == group_id)).scalar()
    return checked is not None and checked >= since


def fixed_by_checker(
    conn: Connection, site_ids: Collection[int] | None, start: datetime, end: datetime
) -> dict[int, int]:
    """Site id → groups the checker found corrected while open, between `start` and `end`."""
    query = (
        select(GROUPS.c.site_id, func.count())
        .select_from(EVENTS.join(GROUPS, GROUPS.c.id == EVENTS.c.group_id))
        .where(
            EVENTS.c.action == ACTION_CORRECTED,
            EVENTS.c.from_status == Status.OPEN,
            EVENTS.c.editor_id.is_(None),
            EVENTS.c.created_at >= start,
            EVENTS.c.created_at < end,
        )
        .group_by(GROUPS.c.site_id)
    )
    if site_ids is not None:
        query = query.where(GROUPS.c.site_id.in_(list(site_ids)))
    counts: dict[int, int] = defaultdict(int)
    for site_id, count in conn.execute(query):
        counts[site_id] = int(count)
    return dict(counts)
