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
operator classes): migration 0001 creates them with its own SQL, and
:data:`SEARCH_OBJECTS` names them for the test that compares the migrated
schema with the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, column, select, table, text
from sqlalchemy import union as union_of
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlalchemy.types import Boolean

from corrigo.store.models import ErrorGroup, table_of

# The shortest term a trigram index can look up.
MIN_INDEXED = 3

# Every table and index migration 0001 creates for searching (alembic does not compare
# triggers or functions). FTS5 adds shadow tables; its comments table keeps its own copy
# of the text.
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

    def _union(self, quoted: Any, commented: Any) -> CompoundSelect[int]:
        if self.site_ids is not None:
            commented = commented.where(COMMENTS.c.site_id.in_(self.site_ids))
        return union_of(quoted, commented)

    def by_trigrams(self) -> CompoundSelect[int]:
        """SQLite, three characters or more: the FTS5 tables."""
        phrase = fts_phrase(self.term)
        quoted = select(_SQLITE_GROUPS.c.rowid).where(
            text("search_groups MATCH :quote_phrase").bindparams(quote_phrase=phrase)
        )
        commented = select(COMMENTS.c.group_id).where(
            text("search_comments MATCH :comment_phrase").bindparams(comment_phrase=phrase)
        )
        return self._union(quoted, commented)

    def by_pattern(self, case_insensitive: bool) -> CompoundSelect[int]:
        """LIKE (SQLite: ASCII case-insensitive already) or ILIKE (PostgreSQL: pg_trgm)."""

        def like(col: SQLCoreOperations[str]) -> ColumnElement[bool]:
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
    return f"{compiler.process(table_of(ErrorGroup).c.id, **kw)} = ANY(ARRAY{ids})"


def group_search(term: str, pattern: str, site_ids: Sequence[int] | None) -> ColumnElement[bool]:
    """Groups whose quote or a reader's comment contains `term`, ignoring case.

    `pattern` is `term` as an escaped LIKE pattern (``%term%``, backslash escapes);
    `site_ids` (None: all) bounds the comments consulted.
    """
    return GroupSearch(term, pattern, site_ids)
