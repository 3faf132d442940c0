"""Groups' proposed corrections: which groups are due, what to make them from, and the results.

The worker that computes proposals (:mod:`corrigo.workers.proposer`) reads its
input here and writes the outcome back; everything that shows a proposal (the
API, the dashboard, notifications, the export) reads it with :func:`proposal_of`
or :func:`proposals_of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Status
from corrigo.domain.proposal import (
    DictionaryView,
    Proposal,
    ReaderSuggestion,
    Source,
    StoredProposal,
)
from corrigo.store.models import ErrorGroup, GroupProposal, Report, Site

# Suggestions longer than a quote can be are ignored (the ingest bounds both anyway).
MAX_DISTINCT_SUGGESTIONS = 50


@dataclass(frozen=True, slots=True)
class DueGroup:
    """A group whose proposal is missing or older than its latest report."""

    id: int
    site_id: int
    exact: str
    lang: str
    report_count: int
    context: str


def due_groups(session: Session, limit: int) -> list[DueGroup]:
    """Open groups without an up-to-date proposal, oldest first.

    The language is the group's own, else its site's default.
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
        )
        .join(Site, Site.id == ErrorGroup.site_id)
        .outerjoin(GroupProposal, GroupProposal.group_id == ErrorGroup.id)
        .where(
            ErrorGroup.status == Status.OPEN,
            or_(
                GroupProposal.group_id.is_(None),
                GroupProposal.report_count < ErrorGroup.report_count,
            ),
        )
        .order_by(ErrorGroup.id)
        .limit(limit)
    )
    return [
        DueGroup(
            row.id,
            row.site_id,
            row.exact,
            row.lang or row.default_lang,
            row.report_count,
            f"{row.prefix} {row.suffix}",
        )
        for row in session.execute(query)
    ]


def reader_suggestions(session: Session, group_id: int) -> list[ReaderSuggestion]:
    """The distinct corrections readers sent for a group, with counts and latest times."""
    count = func.count().label("n")
    latest = func.max(Report.created_at).label("latest")
    query = (
        select(Report.suggestion, count, latest)
        .where(Report.group_id == group_id, Report.suggestion != "")
        .group_by(Report.suggestion)
        .order_by(count.desc(), latest.desc())
        .limit(MAX_DISTINCT_SUGGESTIONS)
    )
    return [ReaderSuggestion(row.suggestion, row.n, row.latest) for row in session.execute(query)]


def save_proposal(
    session: Session,
    group_id: int,
    report_count: int,
    stored: StoredProposal,
    now: datetime,
) -> None:
    """Record a group's proposal as computed for `report_count` reports."""
    row = session.get(GroupProposal, group_id)
    if row is None:
        row = GroupProposal(group_id=group_id)
        session.add(row)
    proposal, view = stored.proposal, stored.dictionary
    row.text = proposal.text if proposal else ""
    row.source = proposal.source if proposal else ""
    row.readers = proposal.readers if proposal else 0
    row.dictionary = view.lang if view else ""
    row.unknown = view.unknown if view else []
    row.suggestions = view.suggestions if view else {}
    row.report_count = report_count
    row.computed_at = now
    session.flush()


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
