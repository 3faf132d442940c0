"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 05:45:33.145845
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editors")),
        sa.UniqueConstraint("email", name=op.f("uq_editors_email")),
    )
    op.create_table(
        "reader_salts",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_reader_salts")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("allowed_origins", sa.JSON(), nullable=False),
        sa.Column("default_lang", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("public_key", name=op.f("uq_sites_public_key")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["editors.id"],
            name=op.f("fk_api_tokens_editor_id_editors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("url_prefix", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_channels_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channels")),
    )
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_channels_site_id"), ["site_id"], unique=False)

    op.create_table(
        "editor_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["editors.id"],
            name=op.f("fk_editor_sessions_editor_id_editors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_editor_sessions")),
    )
    with op.batch_alter_table("editor_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_editor_sessions_editor_id"), ["editor_id"], unique=False
        )

    op.create_table(
        "editor_sites",
        sa.Column("editor_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["editors.id"],
            name=op.f("fk_editor_sites_editor_id_editors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_editor_sites_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("editor_id", "site_id", name=op.f("pk_editor_sites")),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_hash", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("exact", sa.String(length=300), nullable=False),
        sa.Column("prefix", sa.String(length=64), nullable=False),
        sa.Column("suffix", sa.String(length=64), nullable=False),
        sa.Column("pos_start", sa.Integer(), nullable=True),
        sa.Column("pos_end", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_changed_by", sa.Integer(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_groups_site_id_sites"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["status_changed_by"],
            ["editors.id"],
            name=op.f("fk_groups_status_changed_by_editors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("site_id", "fingerprint", name=op.f("uq_groups_site_id")),
    )
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_groups_inbox", ["site_id", "status", "report_count", "last_seen"], unique=False
        )
        batch_op.create_index("ix_groups_page", ["site_id", "url_hash"], unique=False)
        batch_op.create_index("ix_groups_recent", ["status", "last_seen"], unique=False)
        batch_op.create_index(
            "ix_groups_triage", ["status", "report_count", "last_seen", "id"], unique=False
        )
        batch_op.create_index("ix_groups_first_seen", ["first_seen", "site_id"], unique=False)
        batch_op.create_index(
            "ix_groups_fixed",
            ["status", "status_changed_at", "site_id", "first_seen"],
            unique=False,
        )

    op.create_table(
        "group_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("editor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=10), nullable=False),
        sa.Column("to_status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["editor_id"],
            ["editors.id"],
            name=op.f("fk_group_events_editor_id_editors"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_group_events_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_events")),
    )
    with op.batch_alter_table("group_events", schema=None) as batch_op:
        batch_op.create_index("ix_group_events_group", ["group_id", "created_at"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("exact", sa.String(length=300), nullable=False),
        sa.Column("prefix", sa.String(length=64), nullable=False),
        sa.Column("suffix", sa.String(length=64), nullable=False),
        sa.Column("pos_start", sa.Integer(), nullable=True),
        sa.Column("pos_end", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("suggestion", sa.String(length=300), nullable=False),
        sa.Column("widget_version", sa.String(length=32), nullable=False),
        sa.Column("reader_hash", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_reports_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_reports_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("site_id", "client_id", name=op.f("uq_reports_site_id")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_group", ["group_id", "created_at"], unique=False)
        batch_op.create_index("ix_reports_site_created", ["site_id", "created_at"], unique=False)
        batch_op.create_index("ix_reports_created", ["created_at", "site_id"], unique=False)
        batch_op.create_index("ix_reports_suggestions", ["group_id", "suggestion"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=30), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_outbox_group_id_groups"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_outbox_report_id_reports"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_outbox_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["processed_at", "id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=64), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_deliveries_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox.id"],
            name=op.f("fk_deliveries_outbox_id_outbox"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("outbox_id", "channel_id", name=op.f("uq_deliveries_outbox_id")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index("ix_deliveries_due", ["status", "next_attempt_at"], unique=False)

    # Trigram indexes for searching quotes and comments (FTS5 / pg_trgm: not expressible
    # in the models; corrigo.store.search explains them and queries them).
    _create_search_objects(op.get_bind())


# The search objects as this revision made them, written out here rather than imported:
# a migration must create the same schema whatever later code looks like.
_SQLITE_SEARCH = [
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
_POSTGRESQL_SEARCH = [
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


def _create_search_objects(conn: sa.Connection) -> None:
    """The comment copies and trigram indexes; the tables are new, so triggers see every row."""
    if conn.dialect.name == "sqlite":
        for statement in _SQLITE_SEARCH:
            conn.execute(sa.text(statement))
        return
    if conn.dialect.name != "postgresql":
        return
    for statement in _POSTGRESQL_SEARCH:
        conn.execute(sa.text(statement))
    # pg_trgm ships with PostgreSQL and is a trusted extension: the owner of the
    # database may install it. Without it searching still works, by scanning.
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except Exception as exc:  # the role may lack the right; searching then scans
        log = logging.getLogger("alembic")
        log.warning("pg_trgm is not available (%s): searches will scan", exc)
        return
    for statement in _POSTGRESQL_TRIGRAMS:
        conn.execute(sa.text(statement))


def _drop_search_objects(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in ("search_groups", "search_comments"):
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))
    elif conn.dialect.name == "postgresql":
        conn.execute(sa.text("DROP INDEX IF EXISTS search_groups_exact"))
        conn.execute(sa.text("DROP TABLE IF EXISTS search_comments"))
        for trigger in ("search_comments_insert", "search_comments_update"):
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger} ON reports"))
        conn.execute(sa.text("DROP FUNCTION IF EXISTS search_comments_copy()"))


def downgrade() -> None:
    _drop_search_objects(op.get_bind())
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_due")
        batch_op.drop_index(batch_op.f("ix_deliveries_channel_id"))

    op.drop_table("deliveries")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")

    op.drop_table("outbox")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_suggestions")
        batch_op.drop_index("ix_reports_created")
        batch_op.drop_index("ix_reports_site_created")
        batch_op.drop_index("ix_reports_group")

    op.drop_table("reports")
    with op.batch_alter_table("group_events", schema=None) as batch_op:
        batch_op.drop_index("ix_group_events_group")

    op.drop_table("group_events")
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_index("ix_groups_fixed")
        batch_op.drop_index("ix_groups_first_seen")
        batch_op.drop_index("ix_groups_triage")
        batch_op.drop_index("ix_groups_recent")
        batch_op.drop_index("ix_groups_page")
        batch_op.drop_index("ix_groups_inbox")

    op.drop_table("groups")
    op.drop_table("editor_sites")
    with op.batch_alter_table("editor_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_editor_sessions_editor_id"))

    op.drop_table("editor_sessions")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channels_site_id"))

    op.drop_table("channels")
    op.drop_table("api_tokens")
    op.drop_table("sites")
    op.drop_table("reader_salts")
    op.drop_table("editors")
