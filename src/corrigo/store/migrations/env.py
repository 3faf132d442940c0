"""Alembic environment: runs the packaged migrations against the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from corrigo.store.db import make_engine
from corrigo.store.models import Base

# Held for the migrations' transaction on PostgreSQL. Two int4 keys: a key space apart
# from the ingest's one-bigint page locks, so the two can never wait for each other.
MIGRATION_LOCK = text("SELECT pg_advisory_xact_lock(1129271879, 1)")  # b"CORG"

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url is not None

engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several `corrigo serve` starting at once: the first migrates, the others
            # wait here and then read the revision it committed, with nothing left to do.
            # The revision is read after the lock (in run_migrations), never before.
            connection.execute(MIGRATION_LOCK)
        context.run_migrations()
engine.dispose()
