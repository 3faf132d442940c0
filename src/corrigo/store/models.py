"""SQLAlchemy models of every table Corrigo keeps.

The schema is created and changed only by the Alembic migrations in
``migrations/``; these classes must match them (a test compares the two).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from corrigo.domain.lifecycle import Status

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


GROUP_STATUSES = tuple(Status)
ROLES = ("admin", "editor")


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements (typed as the Table it always is here)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class Site(Base):
    """One publication: its public key, the origins it embeds from, its language."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_lang: Mapped[str] = mapped_column(String(35), default="en")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # CSS selector of the article element, for the widget and the page checker; None: defaults.
    article_selector: Mapped[str | None] = mapped_column(String(500))
    # Seconds between checks of its open groups; None: CORRIGO_VERIFY_INTERVAL, 0: never.
    verify_interval: Mapped[int | None] = mapped_column(Integer)


class Editor(Base):
    """A person who signs in to the dashboard."""

    __tablename__ = "editors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10), default="editor")
    lang: Mapped[str] = mapped_column(String(35), default="en")
    # IANA name; empty until chosen (the dashboard then asks the browser for it).
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class EditorSite(Base):
    """Which sites an editor with the `editor` role may see."""

    __tablename__ = "editor_sites"

    editor_id: Mapped[int] = mapped_column(
        ForeignKey("editors.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("editors.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # None: every site its owner sees; else only this one (e.g. a WordPress plugin's token).
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    read_only: Mapped[bool] = mapped_column(Boolean, default=False)


# Groups the proposer has work for (see `corrigo.store.proposals.due_groups`), written as
# SQL text so that both databases match it against the query's own literal terms.
PROPOSAL_DUE = f"proposal_due > 0 AND status = '{Status.OPEN}'"


class ErrorGroup(Base):
    """All reports of one misprint on one page."""

    __tablename__ = "groups"
    __table_args__ = (
        UniqueConstraint("site_id", "fingerprint"),
        Index("ix_groups_page", "site_id", "url_hash"),
        Index("ix_groups_inbox", "site_id", "status", "report_count", "last_seen"),
        Index("ix_groups_recent", "status", "last_seen"),
        # The inbox's order inside a status, across all sites (admins, search results).
        Index("ix_groups_triage", "status", "report_count", "last_seen", "id"),
        # Statistics: misprints reported per day and site, and fixes with their duration.
        Index("ix_groups_first_seen", "first_seen", "site_id"),
        Index("ix_groups_fixed", "status", "status_changed_at", "site_id", "first_seen"),
        # The page checker's queue: groups with a check asked for, by when.
        Index("ix_groups_check_due", "check_due_at"),
        # The proposer's queue: open groups whose proposal is missing or behind its inputs.
        # The status leads, as in the other status indexes, so that SQLite prefers this one
        # even before ANALYZE has told it how few rows it holds.
        Index(
            "ix_groups_proposal_due",
            "status",
            "id",
            sqlite_where=text(PROPOSAL_DUE),
            postgresql_where=text(PROPOSAL_DUE),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    lang: Mapped[str] = mapped_column(String(35), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    exact: Mapped[str] = mapped_column(String(300))
    prefix: Mapped[str] = mapped_column(String(64), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    pos_start: Mapped[int | None] = mapped_column(Integer)
    pos_end: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=Status.OPEN)
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    status_changed_by: Mapped[int | None] = mapped_column(
        ForeignKey("editors.id", ondelete="SET NULL")
    )
    status_note: Mapped[str] = mapped_column(Text, default="")
    # The page checker: when the next check is due (None: none asked for), the last one's
    # outcome (present | corrected | missing | unreachable), what stood there, and why not.
    check_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    check_outcome: Mapped[str | None] = mapped_column(String(12))
    check_now: Mapped[str | None] = mapped_column(Text)
    check_reason: Mapped[str] = mapped_column(Text, default="")
    # Marked fixed, yet the last check found the misprint on the page.
    still_on_page: Mapped[bool] = mapped_column(Boolean, default=False)
    # Changes to the proposal's inputs (the readers' suggestions; a reopening, a notice)
    # not yet taken into a proposal; 0 once the proposer has caught up. A group made here
    # has no proposal yet, hence 1 (the ingest writes its groups with 1 too).
    proposal_due: Mapped[int] = mapped_column(Integer, default=1, server_default=text("0"))


class CheckedPage(Base):
    """A page the checker fetches: its validators, its last text, and who is fetching it."""

    __tablename__ = "checked_pages"
    __table_args__ = (UniqueConstraint("site_id", "url_hash"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    url_hash: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    # The article's text(s) at the last fetch: a 304 is answered from them.
    texts: Mapped[list[str] | None] = mapped_column(JSON)
    fetched_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_by: Mapped[str] = mapped_column(String(64), default="")
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Report(Base):
    """What one reader sent once."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("site_id", "client_id"),
        Index("ix_reports_group", "group_id", "created_at"),
        Index("ix_reports_site_created", "site_id", "created_at"),
        # Statistics: reports per day and site, for all of an editor's sites at once.
        Index("ix_reports_created", "created_at", "site_id"),
        # A group page counts its readers' suggestions from this index alone.
        Index("ix_reports_suggestions", "group_id", "suggestion"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(300), default="")
    lang: Mapped[str] = mapped_column(String(35), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    exact: Mapped[str] = mapped_column(String(300))
    prefix: Mapped[str] = mapped_column(String(64), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    pos_start: Mapped[int | None] = mapped_column(Integer)
    pos_end: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    suggestion: Mapped[str] = mapped_column(String(300), default="")
    widget_version: Mapped[str] = mapped_column(String(32), default="")
    reader_hash: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StatsDay(Base):
    """Statistics rollup: a site's reports received and groups first reported on one UTC day.

    Kept current in the transactions that store reports and purge them (see
    `corrigo.store.rollups`), so the statistics page reads days, not a million reports.
    """

    __tablename__ = "stats_days"
    __table_args__ = ({"sqlite_with_rowid": False},)

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    opened: Mapped[int] = mapped_column(Integer, default=0)


class StatsFix(Base):
    """Statistics rollup: one row per fixed group, the UTC day of the fix and how long it took."""

    __tablename__ = "stats_fixes"
    # The period's fixes per site and bucket, then one bucket's values, from this index alone.
    __table_args__ = (Index("ix_stats_fixes_bucket", "site_id", "bucket", "day", "seconds"),)

    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    seconds: Mapped[float] = mapped_column(Float)  # first report to fix (0 if the clock stepped)
    bucket: Mapped[int] = mapped_column(Integer)  # corrigo.domain.trends.duration_bucket


class StatsPage(Base):
    """Statistics rollup: a page's misprints (open or fixed groups) first reported on one day.

    `reports` sums those groups' counters; `url` is the page's (normalised) address.
    """

    __tablename__ = "stats_pages"
    __table_args__ = ({"sqlite_with_rowid": False},)

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    url_hash: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    misprints: Mapped[int] = mapped_column(Integer, default=0)
    reports: Mapped[int] = mapped_column(Integer, default=0)


class StatsSection(Base):
    """Statistics rollup: misprints first reported on one day in one section of a site."""

    __tablename__ = "stats_sections"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    section: Mapped[str] = mapped_column(Text, primary_key=True)
    misprints: Mapped[int] = mapped_column(Integer, default=0)


class GroupEvent(Base):
    """An editor's decision on a group: who, what, when, why."""

    __tablename__ = "group_events"
    __table_args__ = (Index("ix_group_events_group", "group_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("editors.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Channel(Base):
    """Where a site's notifications go, and which of them."""

    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    # email | webhook | slack | telegram, or demo (the demo's mailbox, made by `corrigo demo`)
    kind: Mapped[str] = mapped_column(String(10))
    # What editors call it ("Sports desk Slack"); empty for channels made before names.
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    target: Mapped[str] = mapped_column(Text)  # address, URL or chat id
    secret: Mapped[str] = mapped_column(Text, default="")  # webhook secret or bot token
    digest_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM" local; None = immediate
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    url_prefix: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DemoMessage(Base):
    """An e-mail the demo's mailbox channel received instead of an SMTP server (`corrigo demo`)."""

    __tablename__ = "demo_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(String(320))
    # The whole message as it would go over SMTP (headers, text and HTML parts).
    message: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxEvent(Base):
    """A notification-worthy event, written in the report's own transaction."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(30))  # group.opened | group.threshold
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ReaderSalt(Base):
    """The random key of one day for hashing reader addresses; deleted after two days."""

    __tablename__ = "reader_salts"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD (UTC)
    salt: Mapped[str] = mapped_column(String(64))


class Delivery(Base):
    """One outbox event on its way to one channel: attempts, backoff, outcome."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("outbox_id", "channel_id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    # pending | sending | sent | failed | digest (waiting for the channel's digest time)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_by: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class EditorSession(Base):
    """A signed-in dashboard session; the cookie holds a token whose SHA-256 is the key."""

    __tablename__ = "editor_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("editors.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SiteConnector(Base):
    """How Corrigo writes corrections into one site's source: at most one per site.

    `options` holds what may be shown (addresses, user names, paths); `sealed_secret`
    the password or token, encrypted with :class:`corrigo.secretbox.SecretBox`.
    """

    __tablename__ = "site_connectors"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # wordpress | git | webhook | demo
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sealed_secret: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GroupProposal(Base):
    """The proposed correction of a group and what the dictionary said, computed by a worker.

    `report_count` is the group's count when it was computed. What makes a group due
    again is its `proposal_due` (a new suggestion, a reopening), not a new report.
    """

    __tablename__ = "proposals"

    group_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(10), default="")  # "" = no proposal
    readers: Mapped[int] = mapped_column(Integer, default=0)
    dictionary: Mapped[str] = mapped_column(String(35), default="")  # "" = none for the language
    unknown: Mapped[list[str]] = mapped_column(JSON, default=list)
    suggestions: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LexiconCorrection(Base):
    """A site's memory: a misspelling fixed as `correction`, `count` times."""

    __tablename__ = "lexicon_corrections"
    __table_args__ = (UniqueConstraint("site_id", "misspelling", "correction"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    misspelling: Mapped[str] = mapped_column(String(300))  # lower case
    correction: Mapped[str] = mapped_column(String(300))
    count: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LexiconWord(Base):
    """A word a site accepts (a name, a term, a loanword) though a dictionary may not."""

    __tablename__ = "lexicon_words"
    __table_args__ = (UniqueConstraint("site_id", "word"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    word: Mapped[str] = mapped_column(String(100))  # lower case
    count: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
