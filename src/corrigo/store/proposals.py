"""Groups' proposed corrections: which groups are due, what to make them from, and the results.

The worker that computes proposals (:mod:`corrigo.workers.proposer`) reads its
input here and writes the outcome back; everything that shows a proposal (the
API, the dashboard, notifications, the export) reads it with :func:`proposal_of`
or :func:`proposals_of`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Engine, bindparam, func, literal_column, or_, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Status
from corrigo.domain.proposal import (
    DictionaryView,
    Proposal,
    ReaderSuggestion,
    Source,
    StoredProposal,
)
from corrigo.store.models import ErrorGroup, GroupProposal, Report, Site, table_of

# Suggestions longer than a quote can be are ignored (the ingest bounds both anyway).
MAX_DISTINCT_SUGGESTIONS = 50


@dataclass(frozen=True, slots=True)
class DueGroup:
    """An open group whose proposal is missing or behind its inputs."""

    id: int
    site_id: int
    exact: str
    lang: str
    report_count: int
    context: str
    due: int  # its `proposal_due` as read: saving clears it only if it is still this


# Literal terms, not bound parameters: a partial index serves a query only when the
# query's terms imply its own (SQLite compares them as written).
_DUE = (
    ErrorGroup.proposal_due > literal_column("0"),
    ErrorGroup.status == literal_column(f"'{Status.OPEN}'"),
)


# b"CORG", then the proposer's own number (the migrations' lock is 1).
_TURN = (1129271879, 2)


@contextmanager
def proposer_turn(engine: Engine) -> Iterator[bool]:
    """Whether this process may compute proposals now, for the duration of the block.

    On PostgreSQL, several server and worker processes each run a proposer; two
    computing the same group at once could each clear a change only the other has
    seen. So one process at a time takes the turn (a session advisory lock, which
    PostgreSQL also releases if the process dies); the others find nothing to do.
    """
    if engine.dialect.name != "postgresql":
        yield True  # one process writes a SQLite store
        return
    with engine.connect() as conn:
        mine = bool(conn.execute(_TRY_TURN, _TURN_KEYS).scalar_one())
        try:
            yield mine
        finally:
            if mine:
                try:
                    conn.execute(_END_TURN, _TURN_KEYS)
                    conn.commit()
                except DBAPIError:
                    # Closing the session is what releases the lock for certain.
                    conn.invalidate()


_TURN_KEYS = {"space": _TURN[0], "key": _TURN[1]}
_TRY_TURN = text("SELECT pg_try_advisory_lock(:space, :key)")
_END_TURN = text("SELECT pg_advisory_unlock(:space, :key)")


def due_groups(
    session: Session, limit: int, computed_before: datetime | None = None
) -> list[DueGroup]:
    """Open groups with changes not yet taken into a proposal, oldest first.

    Reads only the due groups (a partial index holds just those). The language is
    the group's own, else its site's default. With `computed_before`, a group whose
    proposal was computed since then waits for a later round.
    """
    query = (
        select(
            ErrorGroup.id,
            ErrorGroup.site_id,
            ErrorGroup.exact,
            ErrorGroup.lang,
            Site.default_lang,
            ErrorGroup.report_count,
            ErrorGroup.prefix,
            ErrorGroup.suffix,
            ErrorGroup.proposal_due,
        )
        .join(Site, Site.id == ErrorGroup.site_id)
        .where(*_DUE)
        .order_by(ErrorGroup.id)
        .limit(limit)
    )
    if computed_before is not None:
        query = query.outerjoin(GroupProposal, GroupProposal.group_id == ErrorGroup.id).where(
            or_(GroupProposal.group_id.is_(None), GroupProposal.computed_at < computed_before)
        )
    return [
        DueGroup(
            row.id,
            row.site_id,
            row.exact,
            row.lang or row.default_lang,
            row.report_count,
            f"{row.prefix} {row.suffix}",
            row.proposal_due,
        )
        for row in session.execute(query)
    ]


def reader_suggestions(session: Session, group_id: int) -> list[ReaderSuggestion]:
    """The distinct corrections readers sent for a group, with counts and latest times."""
    return reader_suggestions_of(session, [group_id])[group_id]


def reader_suggestions_of(
    session: Session, group_ids: Sequence[int]
) -> dict[int, list[ReaderSuggestion]]:
    """Per group, the distinct corrections its readers sent: most sent first, then the most
    recent, at most MAX_DISTINCT_SUGGESTIONS (one query for them all)."""
    found: dict[int, list[ReaderSuggestion]] = {group_id: [] for group_id in group_ids}
    if not group_ids:
        return found
    query = (
        select(Report.group_id, Report.suggestion, func.count(), func.max(Report.created_at))
        .where(Report.group_id.in_(list(group_ids)), Report.suggestion != "")
        .group_by(Report.group_id, Report.suggestion)
    )
    for group_id, suggestion, count, latest in session.execute(query):
        found[group_id].append(ReaderSuggestion(suggestion, count, latest))
    for suggestions in found.values():
        suggestions.sort(key=lambda item: (item.count, item.last_at), reverse=True)
        del suggestions[MAX_DISTINCT_SUGGESTIONS:]
    return found


# Built once, in Core: an ORM update built and run per group cost 1.6 ms, more than the
# rest of the save (bench/ingest/proposer.py).
_GROUPS = table_of(ErrorGroup)
_CAUGHT_UP = (
    update(_GROUPS)
    .where(_GROUPS.c.id == bindparam("b_id"), _GROUPS.c.proposal_due == bindparam("b_due"))
    .values(proposal_due=0)
)


def save_proposal(session: Session, group: DueGroup, stored: StoredProposal, now: datetime) -> None:
    """Record one group's proposal (see :func:`save_proposals`)."""
    save_proposals(session, [(group, stored)], now)


def save_proposals(
    session: Session, computed: Sequence[tuple[DueGroup, StoredProposal]], now: datetime
) -> None:
    """Record groups' proposals, each computed from what was stored when its group was read.

    A group stops being due unless something new came in meanwhile (a suggestion
    stored since adds to `proposal_due`, which then no longer equals what was read).
    """
    if not computed:
        return
    ids = [group.id for group, _stored in computed]
    rows = {
        row.group_id: row
        for row in session.execute(
            select(GroupProposal).where(GroupProposal.group_id.in_(ids))
        ).scalars()
    }
    for group, stored in computed:
        row = rows.get(group.id)
        if row is None:
            row = rows[group.id] = GroupProposal(group_id=group.id)
            session.add(row)
        proposal, view = stored.proposal, stored.dictionary
        row.text = proposal.text if proposal else ""
        row.source = proposal.source if proposal else ""
        row.readers = proposal.readers if proposal else 0
        row.dictionary = view.lang if view else ""
        row.unknown = view.unknown if view else []
        row.suggestions = view.suggestions if view else {}
        row.report_count = group.report_count
        row.computed_at = now
    session.flush()
    caught_up = [{"b_id": group.id, "b_due": group.due} for group, _stored in computed]
    session.connection().execute(_CAUGHT_UP, caught_up)


def _stored(row: GroupProposal) -> StoredProposal:
    proposal = Proposal(row.text, cast(Source, row.source), row.readers) if row.source else None
    view = (
        DictionaryView(row.dictionary, list(row.unknown), dict(row.suggestions))
        if row.dictionary
        else None
    )
    return StoredProposal(proposal, view)


def proposals_of(session: Session, group_ids: Sequence[int]) -> dict[int, StoredProposal]:
    """The stored proposals of the given groups (groups without one are left out)."""
    if not group_ids:
        return {}
    rows = session.execute(
        select(GroupProposal).where(GroupProposal.group_id.in_(list(group_ids)))
    ).scalars()
    return {row.group_id: _stored(row) for row in rows}


def proposal_of(session: Session, group_id: int) -> StoredProposal | None:
    """A group's stored proposal, or None while it has not been computed.

    The caller has checked that the editor may see the group.
    """
    row = session.get(GroupProposal, group_id)
    return _stored(row) if row is not None else None
