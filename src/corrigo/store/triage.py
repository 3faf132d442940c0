"""Editors' decisions on groups: fixed, rejected, spam, reopened; each one recorded.

What a decision does is decided by `corrigo.domain.lifecycle`; this module applies it.
A decision is remembered: the ingest lets new reports of a rejected or spam group join
it quietly, and only a fixed group reported again reopens. It also teaches the site's
memory (`corrigo.store.lexicon`): a fixed group its correction, a rejected one its words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrigo.domain.lifecycle import Action, Status, after_decision, status_of
from corrigo.domain.numbers import MAX_ID
from corrigo.store.checks import check_soon
from corrigo.store.errors import FieldError, NotVisible
from corrigo.store.lexicon import learn_from_decision
from corrigo.store.models import ErrorGroup, GroupEvent
from corrigo.store.rollups import Rollup

MAX_NOTE = 2000
MAX_BULK = 500


class TriageError(FieldError):
    """An action the store refuses; `field` names the offending input."""


def action_named(name: str) -> Action:
    """The action called `name` (a form's text); TriageError for anything else."""
    try:
        return Action(name)
    except ValueError:
        raise TriageError("action", "action must be one of " + ", ".join(Action)) from None


@dataclass(frozen=True, slots=True)
class Decision:
    """What an editor decided: the action and an optional note."""

    action: Action
    note: str = ""
    # What the words now read, when the editor wrote it into the article (Apply
    # correction): the site's memory learns this rather than a proposal.
    correction: str = ""

    def __post_init__(self) -> None:
        if len(self.note) > MAX_NOTE:
            raise TriageError("note", f"a note may be at most {MAX_NOTE} characters")

    @property
    def status(self) -> Status:
        """The status the action sets."""
        return status_of(self.action)


def decide(
    session: Session,
    site_ids: Sequence[int] | None,
    group_ids: Sequence[int],
    decision: Decision,
    editor_id: int | None,
    now: datetime | None = None,
) -> list[ErrorGroup]:
    """Apply a decision to groups the editor may see; returns them in the order asked.

    All or nothing: if any id is unknown or outside `site_ids`, :class:`NotVisible`
    is raised and nothing changes. A group already in the target status keeps its
    history unchanged (pressing "fixed" twice records one decision). A group
    marked fixed gets a check of its page within seconds (corrigo.store.checks).
    """
    ids = list(dict.fromkeys(group_ids))
    if not ids:
        raise TriageError("ids", "select at least one group")
    if len(ids) > MAX_BULK:
        raise TriageError("ids", f"at most {MAX_BULK} groups at once")
    if any(not 0 < group_id <= MAX_ID for group_id in ids):
        raise NotVisible(ids)
    now = now or datetime.now(UTC)
    query = select(ErrorGroup).where(ErrorGroup.id.in_(ids)).with_for_update()
    if site_ids is not None:
        query = query.where(ErrorGroup.site_id.in_(list(site_ids)))
    found = {group.id: group for group in session.execute(query).scalars()}
    if len(found) != len(ids):
        raise NotVisible(sorted(set(ids) - set(found)))
    note = decision.note.strip()
    rollup = Rollup()
    reopened: list[int] = []
    for group_id in ids:
        group = found[group_id]
        target = after_decision(Status(group.status), decision.action)
        if target is None:
            continue
        rollup.change_status(group, group.status, target, now)
        session.add(
            GroupEvent(
                group_id=group.id,
                editor_id=editor_id,
                action=decision.action,
                from_status=group.status,
                to_status=target,
                note=note,
                created_at=now,
            )
        )
        group.status = target
        group.status_changed_at = now
        group.status_changed_by = editor_id
        group.status_note = note
        learn_from_decision(session, group, now, decision.correction)
        # The still-on-the-page flag belongs to a fixed group only.
        group.still_on_page = False
        if target == Status.OPEN:
            reopened.append(group.id)
    session.flush()
    if reopened:
        # Closing a group may have taught the site's memory from it: its proposal is to be
        # made afresh. Added in SQL, as the ingest adds to it concurrently.
        session.execute(
            update(ErrorGroup)
            .where(ErrorGroup.id.in_(reopened))
            .values(proposal_due=ErrorGroup.proposal_due + 1)
        )
    rollup.write(session.connection())
    if decision.status == Status.FIXED:
        # "Fixed" is checked against the live page at the workers' next look.
        check_soon(session.connection(), ids, now)
    return [found[group_id] for group_id in ids]
