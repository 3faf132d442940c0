"""The daily random salt for hashing reader addresses, shared by all processes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from corrigo.store.models import ReaderSalt, table_of

SALTS = table_of(ReaderSalt)


def today() -> str:
    """The UTC day a salt belongs to."""
    return datetime.now(UTC).strftime("%Y-%m-%d")


def salt_for(engine: Engine, day: str) -> str:
    """The salt of `day`, created on first use; salts older than a day are deleted."""
    with engine.begin() as conn:
        row = conn.execute(select(SALTS.c.salt).where(SALTS.c.day == day)).first()
        if row is not None:
            return str(row.salt)
    try:
        with engine.begin() as conn:
            conn.execute(insert(SALTS).values(day=day, salt=secrets.token_hex(32)))
            cutoff = (datetime.strptime(day, "%Y-%m-%d") - timedelta(days=1)).strftime("%Y-%m-%d")
            conn.execute(delete(SALTS).where(SALTS.c.day < cutoff))
    except IntegrityError:
        pass  # another process created it first
    with engine.begin() as conn:
        return str(conn.execute(select(SALTS.c.salt).where(SALTS.c.day == day)).scalar_one())
