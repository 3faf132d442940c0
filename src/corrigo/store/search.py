"""Searching quotes and readers' comments with trigram indexes, on SQLite and PostgreSQL.

A search is a case-insensitive substring match in a group's quote (``exact``)
or in any of its reports' comments. Scanning a million reports takes most of a
second, so both databases keep the non-empty comments apart, in a narrow table
``search_comments`` (comment, group id, site id) filled by triggers on
``reports``, and index the text by trigrams:

- SQLite: ``search_comments`` and ``search_groups`` (over ``groups.exact``) are
  FTS5 tables with the ``trigram`` tokenizer, whose case folding covers all of
  Unicode, so "помилка" also finds "Помилка".
- PostgreSQL: ``search_comments`` is a plain table; ``pg_trgm`` GIN indexes on
  it and on ``groups.exact`` serve ``ILIKE '%…%'``. Without the extension the
  narrow table is still scanned instead of every report.

A trigram index cannot answer a term shorter than three characters; such terms
are matched by scanning (``LIKE``/``ILIKE``).

These objects cannot be described by the ORM models (virtual tables, triggers,
operator classes), so migration 0001 creates them with
:func:`create_search_objects`, and :data:`SEARCH_OBJECTS` names them for the
test that compares the migrated schema with the models.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Connection, column, select, table, text
from sqlalchemy import union as union_of
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import Boolean

from corrigo.store.models import ErrorGroup

log = logging.getLogger(__name__)

# The shortest term a trigram index can look up.
MIN_INDEXED = 3

_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE search_groups USING fts5("
    "exact, content='groups', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_groups_insert AFTER INSERT ON groups BEGIN "
    "INSERT INTO search_groups(rowid, exact) VALUES (new.id, new.exact); END",
    "CREATE TRIGGER search_groups_delete AFTER DELETE ON groups BEGIN "
    "INSERT INTO search_groups(search_groups, rowid, exact) VALUES ('delete', old.id, old.exact);"
    " END",
    "CREATE TRIGGER search_groups_update AFTER UPDATE OF exact ON groups BEGIN "
    "INSERT INTO search_groups(search_groups, rowid, exact) VALUES ('delete', old.id, old.exact);"
    " INSERT INTO search_groups(rowid, exact) VALUES (new.id, new.exact); END",
    # The rowid is the report's id.
    "CREATE VIRTUAL TABLE search_comments USING fts5("
    "comment, group_id UNINDEXED, site_id UNINDEXED, tokenize='trigram')",
    "CREATE TRIGGER search_comments_insert AFTER INSERT ON reports WHEN new.comment <> '' BEGIN "
    "INSERT INTO search_comments(rowid, comment, group_id, site_id)"
    " VALUES (new.id, new.comment, new.group_id, new.site_id); END",
    "CREATE TRIGGER search_comments_delete AFTER DELETE ON reports WHEN old.comment <> '' BEGIN "
    "DELETE FROM search_comments WHERE rowid = old.id; END",
    "CREATE TRIGGER search_comments_update AFTER UPDATE OF comment, group_id, site_id ON reports"
    " BEGIN DELETE FROM search_comments WHERE rowid = old.id;"
    " INSERT INTO search_comments(rowid, comment, group_id, site_id)"
    " SELECT new.id, new.comment, new.group_id, new.site_id WHERE new.comment <> ''; END",
]
_POSTGRESQL_DDL = [
    "CREATE TABLE search_comments ("
    " report_id BIGINT CONSTRAINT search_comments_pkey PRIMARY KEY"
    " CONSTRAINT search_comments_report REFERENCES reports (id) ON DELETE CASCADE,"
    " group_id BIGINT NOT NULL, site_id INTEGER NOT NULL, comment TEXT NOT NULL)",
    "CREATE FUNCTION search_comments_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'UPDATE' THEN DELETE FROM search_comments WHERE report_id = OLD.id; END IF;"
    " IF NEW.comment <> '' THEN INSERT INTO search_comments"
    " VALUES (NEW.id, NEW.group_id, NEW.site_id, NEW.comment); END IF;"
    " RETURN NULL; END $$",
    "CREATE TRIGGER search_comments_insert AFTER INSERT ON reports FOR EACH ROW"
    " WHEN (NEW.comment <> '') EXECUTE FUNCTION search_comments_copy()",
    "CREATE TRIGGER search_comments_update AFTER UPDATE OF comment, group_id, site_id"
    " ON reports FOR EACH ROW EXECUTE FUNCTION search_comments_copy()",
]
_POSTGRESQL_TRIGRAMS = [
    "CREATE INDEX search_groups_exact ON groups USING gin (exact gin_trgm_ops)",
    "CREATE INDEX search_comments_comment ON search_comments USING gin (comment gin_trgm_ops)",
]
# Every table and index created here (alembic does not compare triggers or functions).
# FTS5 adds shadow tables; its comments table keeps its own copy of the text.
_SHADOWS = ("data", "idx", "docsize", "config")
SEARCH_OBJECTS = frozenset(
    {
        "search_groups",
        *(f"search_groups_{part}" for part in _SHADOWS),
        "search_comments",
        *(f"search_comments_{part}" for part in (*_SHADOWS, "content")),
        "search_comments_pkey",
        "search_comments_comment",
        "search_groups_exact",
    }
)


def create_search_objects(conn: Connection) -> None:
    """Create the comment copies and trigram indexes (called by migration 0001).

    The tables are new and empty: the triggers index every row from the first.
    """
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_DDL:
            conn.execute(text(statement))
        return
    if conn.dialect.name != "postgresql":
        return
    for statement in _POSTGRESQL_DDL:
        conn.execute(text(statement))
    # pg_trgm ships with PostgreSQL and is a trusted extension: the owner of the
    # database may install it. Without it searching still works, by scanning.
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception as exc:  # the role may lack the right; searching then scans
        log.warning("pg_trgm is not available (%s): searches will scan", exc)
        return
    for statement in _POSTGRESQL_TRIGRAMS:
        conn.execute(text(statement))


def drop_search_objects(conn: Connection) -> None:
    """Drop what :func:`create_search_objects` made (migration 0001's downgrade)."""
    if conn.dialect.name == "sqlite":
        for name in ("search_groups", "search_comments"):
            conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text("DROP INDEX IF EXISTS search_groups_exact"))
        conn.execute(text("DROP TABLE IF EXISTS search_comments"))
        for trigger in ("search_comments_insert", "search_comments_update"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON reports"))
        conn.execute(text("DROP FUNCTION IF EXISTS search_comments_copy()"))


def fts_phrase(term: str) -> str:
    """An FTS5 query matching `term` as one phrase: with trigrams, as a substring."""
    return '"' + term.replace('"', '""') + '"'


# The comment copies, as the queries below see them on either database.
COMMENTS = table("search_comments", column("comment"), column("group_id"), column("site_id"))
_SQLITE_GROUPS = table("search_groups", column("rowid"))


class GroupSearch(ColumnElement[bool]):
    """Groups whose quote or a reader's comment contains a term; SQL chosen per database.

    The inbox builds its filters without knowing the database, so the choice is
    made when the statement is compiled. Either way the matching group ids are
    one ``UNION`` of two index lookups (quotes, comments): written as ``OR``,
    the planners would test every group of the status against the quote instead.
    """

    type = Boolean()
    # A condition in its own right: no "= 1" appended where booleans are integers (SQLite).
    _is_implicitly_boolean = True
    # Not cached: the SQL depends on the term's length as well as the database.
    inherit_cache = False

    def __init__(self, term: str, pattern: str, site_ids: Sequence[int] | None) -> None:
        self.term = term
        self.pattern = pattern
        self.site_ids = None if site_ids is None else list(site_ids)

    def _union(self, quoted: Any, commented: Any) -> CompoundSelect:
        if self.site_ids is not None:
            commented = commented.where(COMMENTS.c.site_id.in_(self.site_ids))
        return union_of(quoted, commented)

    def by_trigrams(self) -> CompoundSelect:
        """SQLite, three characters or more: the FTS5 tables."""
        phrase = fts_phrase(self.term)
        quoted = select(_SQLITE_GROUPS.c.rowid).where(
            text("search_groups MATCH :quote_phrase").bindparams(quote_phrase=phrase)
        )
        commented = select(COMMENTS.c.group_id).where(
            text("search_comments MATCH :comment_phrase").bindparams(comment_phrase=phrase)
        )
        return self._union(quoted, commented)

    def by_pattern(self, case_insensitive: bool) -> CompoundSelect:
        """LIKE (SQLite: ASCII case-insensitive already) or ILIKE (PostgreSQL: pg_trgm)."""

        def like(col: Any) -> ColumnElement[bool]:
            if case_insensitive:
                return col.ilike(self.pattern, escape="\\")
            return col.like(self.pattern, escape="\\")

        # Looked up on its own (never correlated with the outer groups query), so
        # that the trigram index answers it.
        quoted = select(ErrorGroup.id).where(like(ErrorGroup.exact)).correlate(None)
        return self._union(quoted, select(COMMENTS.c.group_id).where(like(COMMENTS.c.comment)))


@compiles(GroupSearch, "sqlite")
def _search_sqlite(element: GroupSearch, compiler: SQLCompiler, **kw: Any) -> str:
    long_enough = len(element.term) >= MIN_INDEXED
    ids = element.by_trigrams() if long_enough else element.by_pattern(False)
    return compiler.process(ErrorGroup.id.in_(ids), **kw)


@compiles(GroupSearch, "postgresql")
def _search_postgresql(element: GroupSearch, compiler: SQLCompiler, **kw: Any) -> str:
    # "= ANY(ARRAY(…))" evaluates the lookups once and then fetches the matching
    # groups by primary key; with "IN (…)" the planner would rather scan every
    # group of the status and hash-join them with the matches.
    ids = compiler.process(element.by_pattern(True).scalar_subquery(), **kw)
    return f"{compiler.process(ErrorGroup.id, **kw)} = ANY(ARRAY{ids})"


def group_search(term: str, pattern: str, site_ids: Sequence[int] | None) -> ColumnElement[bool]:
    """Groups whose quote or a reader's comment contains `term`, ignoring case.

    `pattern` is `term` as an escaped LIKE pattern (``%term%``, backslash escapes);
    `site_ids` (None: all) bounds the comments consulted.
    """
    return GroupSearch(term, pattern, site_ids)
