"""Table statistics for the query planners, kept fresh while the server runs.

SQLite has only the statistics that ``ANALYZE`` writes, and without them it
guesses: that a search matches few rows, that a date filter keeps few groups.
On a large store those guesses pick plans hundreds of times slower than the
right ones (see bench/dashboard). ``PRAGMA analysis_limit`` samples each index
instead of reading it whole, so a refresh takes tens of milliseconds even with
a million reports; the shape of the data changes slowly, so a few a day do.

PostgreSQL gathers statistics by itself, but only when autovacuum comes round
(a minute apart at best) and finds a tenth of a table changed. Until then a
store that fills up fast is planned as if it were still empty: the ingest's
lookup of a batch's ``client_id``s then reads every report of the site (12 ms
instead of 0.9 ms a batch with 37,000 reports, and growing). So the tables the
ingest writes are checked every few seconds and analysed once they have
changed that much. The server runs :func:`refresh_statistics` as one of its
periodic jobs (``corrigo.workers.jobs``), at these intervals.

A tenth is soon reached under a flood, though: at 1,000 reports a second that rule
re-analysed ``reports`` every few seconds, 47-429 ms of PostgreSQL's CPU each time,
and on a 2-core machine that PostgreSQL shares with the server the ingest's latency
showed a slow slice around each one (bench/ingest/steady.py). So a table analysed
(by us or by autovacuum) less than a minute ago waits for the minute to pass, unless
its changes since outnumber half its rows: then its statistics are badly off, as in
a store filling up from empty, whose first analyses must still come quickly (each
time the table has about doubled).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

# Rows sampled per index; SQLite's documentation suggests a few hundred to a thousand.
ANALYSIS_LIMIT = 1000
SQLITE_REFRESH_SECONDS = 6 * 3600
POSTGRESQL_CHECK_SECONDS = 5.0
# A table analysed this recently is analysed again only if its statistics are badly off.
REANALYSE_AFTER_SECONDS = 60.0
# The tables the ingest grows, and when one counts as changed (autovacuum's own rule,
# a tenth of the table, but from 500 rows on); within the minute after its last
# analysis, only once changes outnumber half of its rows.
_INGEST_TABLES = ("reports", "groups", "outbox")
_STALE = text(
    "SELECT relname FROM pg_stat_user_tables "
    "WHERE relid IN ('reports'::regclass, 'groups'::regclass, 'outbox'::regclass) "
    "AND n_mod_since_analyze > greatest(500, n_live_tup / 10) "
    "AND (n_mod_since_analyze > n_live_tup / 2 "
    "OR coalesce(greatest(last_analyze, last_autoanalyze), '-infinity') "
    "< now() - make_interval(secs => :reanalyse_after)) "
    "ORDER BY relname"
)


def refresh_statistics(
    engine: Engine, *, reanalyse_after: float = REANALYSE_AFTER_SECONDS
) -> list[str]:
    """Refresh what the planner knows; return the tables analysed.

    SQLite: sample every table. PostgreSQL: analyse the ingest's tables that have
    changed by a tenth since they were last analysed, if that was `reanalyse_after`
    seconds ago or more, or sooner if more than half of their rows changed.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}"))
            conn.execute(text("ANALYZE"))
            return ["*"]
        stale = [
            str(name)
            for name in conn.execute(_STALE, {"reanalyse_after": reanalyse_after}).scalars()
        ]
        for name in stale:
            if name in _INGEST_TABLES:  # a name from the catalogue, never from a request
                conn.execute(text(f'ANALYZE "{name}"'))
        return stale
