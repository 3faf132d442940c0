"""Running blocking store work from async handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from corrigo.http.state import state_of

T = TypeVar("T")


async def in_session(request: Request, work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in a worker thread with a fresh ORM session (commit inside)."""
    sessions = state_of(request).sessions

    def run() -> T:
        with sessions() as session:
            return work(session)

    return await run_in_threadpool(run)
