"""Upgrading a filled store from the first released schema (0001) to the newest, data intact.

The store is filled at 0001 through that schema's own tables (reflected, not today's
models), with rows in every table, hostile text included; after `upgrade` every row is
still there with every value of every column that still exists. Every later migration
is therefore run against real rows, on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, MetaData, String, select, text

from corrigo.store.db import alembic_config, make_engine, upgrade

FIRST_RELEASE = "0001"
# The tables of the first release, parents before children.
TABLES = (
    "editors",
    "reader_salts",
    "sites",
    "api_tokens",
    "channels",
    "editor_sessions",
    "editor_sites",
    "groups",
    "group_events",
    "reports",
    "outbox",
    "deliveries",
)
ROWS = 12
TEXTS = ("Budget approved", "Київ", "👨\u200d🦰 می\u200cخواهم", "a'b\"c\\d", "=SUM(A1)", "")
START = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _value(table: str, column: Any, index: int) -> Any:
    """A value for `column` of row `index`: unique where it may need to be, varied text."""
    kind = column.type
    if column.foreign_keys:
        return 1 + index % ROWS
    if isinstance(kind, Boolean):
        return index % 2 == 0
    if isinstance(kind, DateTime):
        return START + timedelta(minutes=index)
    if isinstance(kind, Integer):
        return index + 1
    if isinstance(kind, JSON):
        return ["https://news.example"] if column.name == "allowed_origins" else {"n": index}
    length = getattr(kind, "length", None) or 2000
    if column.name in {"status", "role", "kind"}:
        return {"status": "open", "role": "editor", "kind": "webhook"}[column.name]
    base = f"{TEXTS[index % len(TEXTS)]} {table}.{column.name}.{index}"
    if isinstance(kind, String) and length < len(base):
        base = f"{column.name[:4]}{index}"[:length]
    return base


def _fill(engine: Engine) -> None:
    """Insert ROWS rows into every table of the first release."""
    metadata = MetaData()
    metadata.reflect(engine, only=TABLES)
    with engine.begin() as conn:
        for name in TABLES:
            table = metadata.tables[name]
            rows = []
            for index in range(ROWS):
                row = {column.name: _value(name, column, index) for column in table.columns}
                if name == "editor_sites":  # a pair may appear once
                    row = {"editor_id": index + 1, "site_id": 1 + (index * 5) % ROWS}
                rows.append(row)
            conn.execute(table.insert(), rows)


def _read(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    metadata = MetaData()
    metadata.reflect(engine, only=TABLES)
    with engine.connect() as conn:
        return {
            name: [dict(row._mapping) for row in conn.execute(select(metadata.tables[name]))]
            for name in TABLES
        }


def _comparable(value: Any) -> Any:
    # SQLite hands back naive datetimes (stored as UTC) where PostgreSQL keeps the zone.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _values(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[Any, ...]]:
    return sorted((tuple(_comparable(row[c]) for c in columns) for row in rows), key=repr)


def test_a_filled_first_release_store_upgrades_with_its_data_intact(empty_url: str) -> None:
    upgrade(empty_url, FIRST_RELEASE)
    engine = make_engine(empty_url)
    try:
        _fill(engine)
        before = _read(engine)
        assert all(len(before[name]) == ROWS for name in TABLES)
        upgrade(empty_url)
        after = _read(engine)
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert version == ScriptDirectory.from_config(alembic_config(empty_url)).get_current_head()
    for name in TABLES:
        assert len(after[name]) == ROWS, name
        columns = [column for column in before[name][0] if column in after[name][0]]
        assert _values(after[name], columns) == _values(before[name], columns), name
