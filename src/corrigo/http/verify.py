"""Checking a group's page on demand, for the API and the dashboard's "Check the page now".

The check itself is the workers' (in ``corrigo serve`` or ``corrigo worker``):
the request asks for it (corrigo.store.checks.check_soon) and waits until a
worker has recorded the outcome (:func:`check_and_wait`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session
from starlette.requests import Request

from corrigo.http.db import in_session
from corrigo.store.checks import Verification, check_soon, checked_since, verification_of
from corrigo.store.inbox import visible_group

# A fetch takes at most 10 s, a host is asked at most once a second, and an idle
# worker looks every second: this is enough unless the workers are not running.
WAIT_SECONDS = 25.0
POLL_SECONDS = 0.1


class NoWorker(Exception):
    """No worker recorded the check in time (none runs, or all are busy)."""


async def check_and_wait(
    request: Request, site_ids: Sequence[int] | None, group_id: int
) -> Verification | None:
    """Ask for a check of a visible group and wait for it; None when the group is not visible.

    Raises :class:`NoWorker` when no worker did the check within WAIT_SECONDS.
    """
    asked = datetime.now(UTC)

    def ask(session: Session) -> bool:
        if visible_group(session, site_ids, group_id) is None:
            return False
        check_soon(session.connection(), [group_id], asked)
        session.commit()
        return True

    if not await in_session(request, ask):
        return None
    deadline = time.monotonic() + WAIT_SECONDS
    while not await in_session(
        request, lambda session: checked_since(session.connection(), group_id, asked)
    ):
        if time.monotonic() > deadline:
            raise NoWorker(group_id)
        await asyncio.sleep(POLL_SECONDS)

    def load(session: Session) -> Verification | None:
        group = visible_group(session, site_ids, group_id)
        return None if group is None else verification_of(group)

    return await in_session(request, load)
