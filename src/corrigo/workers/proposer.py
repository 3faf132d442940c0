"""The proposer: computes the proposed correction of every new or newly suggested-for group.

It runs beside the notifier, off the request path, and does its dictionary
work on the spelling thread (:mod:`corrigo.spelling.thread`). A group is due
while its `proposal_due` counts changes not yet taken into a proposal: it is
new, a reader sent a suggestion, it opened again, or a notice about it waits
(notifications wait a few seconds, `proposal_wait`, for a proposal computed
after their event, so that they can show it). A report without a suggestion
changes nothing a proposal is made from, and costs the proposer nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corrigo.domain.proposal import GroupFacts, ReaderSuggestion, StoredProposal, propose
from corrigo.domain.words import words
from corrigo.spelling.review import review_quote
from corrigo.spelling.thread import on_spelling_thread
from corrigo.store.db import make_sessionmaker
from corrigo.store.lexicon import accepted_among, memory_for
from corrigo.store.proposals import (
    DueGroup,
    due_groups,
    proposer_turn,
    reader_suggestions_of,
    save_proposals,
)

log = logging.getLogger(__name__)
# Groups handled per round; one round holds the spelling thread for its duration.
BATCH = 20
# While it runs, a group is proposed again at most this often. A misprint on a front
# page draws reports, some with a suggestion, faster than its proposal (which reads all
# of them) can be recomputed: back to back, that kept the proposer busy for good.
SPACING = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class _Input:
    group: DueGroup
    readers: list[ReaderSuggestion]
    memory: dict[str, str]
    accepted: set[str]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Proposer:
    """Computes due proposals in rounds of :data:`BATCH` groups."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self._engine = engine
        self._sessions = make_sessionmaker(engine)
        self._clock = clock

    def step(self, spacing: timedelta = timedelta(0)) -> int:
        """One round: read the due groups' facts, consult the dictionaries, save; returns how many.

        With `spacing`, a group proposed for less than that long waits for a later round.

        Each proposal is stamped with the time before its facts were read; a
        suggestion stored meanwhile leaves its group due for the next round.
        """
        with proposer_turn(self._engine) as mine:
            if not mine:  # another process is computing them
                return 0
            started = self._clock()
            before = started - spacing if spacing else None
            with self._sessions() as session:
                inputs = self._gather(session, due_groups(session, BATCH, before))
            results = [(item.group, _compute(item)) for item in inputs]
            if results:
                with self._sessions.begin() as session:
                    save_proposals(session, results, started)
            return len(results)

    @staticmethod
    def _gather(session: Session, groups: list[DueGroup]) -> list[_Input]:
        """The round's facts, a few queries for all its groups (one per group cost more
        than the dictionaries)."""
        readers = reader_suggestions_of(session, [group.id for group in groups])
        found = {group.id: [word.text for word in words(group.exact)] for group in groups}
        memory: dict[int, dict[str, str]] = {}
        accepted: dict[int, set[str]] = {}
        # A site's memory answers each key alike whichever group asked, so one lookup
        # serves all its groups of the round.
        for site_id in sorted({group.site_id for group in groups}):
            mine = [group for group in groups if group.site_id == site_id]
            keys = [key for group in mine for key in (group.exact, *found[group.id])]
            memory[site_id] = memory_for(session, site_id, keys)
            accepted[site_id] = accepted_among(
                session, site_id, [word for group in mine for word in found[group.id]]
            )
        return [
            _Input(group, readers[group.id], memory[group.site_id], accepted[group.site_id])
            for group in groups
        ]

    def drain(self) -> None:
        """Compute every due proposal now (for `corrigo worker --once` and tests)."""
        while self.step():
            pass

    async def run(self, stop: asyncio.Event, poll: float) -> None:
        """Work until `stop` is set, looking for due groups every `poll` seconds when idle."""
        while not stop.is_set():
            try:
                busy = await on_spelling_thread(self.step, SPACING)
            except Exception:
                # The database may be restarting; the groups stay due.
                log.exception("computing proposals failed; retrying")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), poll)


def _compute(item: _Input) -> StoredProposal:
    view = review_quote(item.group.lang, item.group.exact, item.accepted)
    facts = GroupFacts(
        exact=item.group.exact,
        reader_suggestions=item.readers,
        memory=item.memory,
        suggestions=view.suggestions if view else {},
        context=item.group.context,
    )
    return StoredProposal(propose(facts), view)
