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
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corrigo.domain.proposal import GroupFacts, ReaderSuggestion, StoredProposal, propose
from corrigo.domain.words import words
from corrigo.spelling.review import review_quote
from corrigo.spelling.thread import on_spelling_thread
from corrigo.store.db import make_sessionmaker
from corrigo.store.lexicon import accepted_among, memory_for
from corrigo.store.proposals import DueGroup, due_groups, reader_suggestions
from corrigo.store.proposals import save_proposal as store_proposal

log = logging.getLogger(__name__)
# Groups handled per round; one round holds the spelling thread for its duration.
BATCH = 20


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
        self._sessions = make_sessionmaker(engine)
        self._clock = clock

    def step(self) -> int:
        """One round: read the due groups' facts, consult the dictionaries, save; returns how many.

        Each proposal is stamped with the time before its facts were read; a
        suggestion stored meanwhile leaves its group due for the next round.
        """
        started = self._clock()
        with self._sessions() as session:
            inputs = [self._gather(session, group) for group in due_groups(session, BATCH)]
        results = [(item.group, _compute(item)) for item in inputs]
        if results:
            with self._sessions.begin() as session:
                for group, stored in results:
                    store_proposal(session, group, stored, started)
        return len(results)

    @staticmethod
    def _gather(session: Session, group: DueGroup) -> _Input:
        found = [word.text for word in words(group.exact)]
        return _Input(
            group,
            reader_suggestions(session, group.id),
            memory_for(session, group.site_id, [group.exact, *found]),
            accepted_among(session, group.site_id, found),
        )

    def drain(self) -> None:
        """Compute every due proposal now (for `corrigo worker --once` and tests)."""
        while self.step():
            pass

    async def run(self, stop: asyncio.Event, poll: float) -> None:
        """Work until `stop` is set, looking for due groups every `poll` seconds when idle."""
        while not stop.is_set():
            try:
                busy = await on_spelling_thread(self.step)
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
