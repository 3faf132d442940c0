"""SQL handed to the database driver directly, for the writers' hot paths.

Building SQLAlchemy statements costs far more per execution than running them
when a transaction stores a batch of reports; those paths write their SQL once
with ``:name`` parameters and run it on the driver's cursor.
"""

from __future__ import annotations

import re

_NAMED = re.compile(r"(?<![:\w]):(\w+)")


def for_driver(postgresql: bool, sql: str) -> str:
    """`sql` in the driver's parameter style: sqlite3 takes :name as written; psycopg wants
    %(name)s."""
    return _NAMED.sub(r"%(\1)s", sql) if postgresql else sql
