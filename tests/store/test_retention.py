from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.store.retention import purge
from tests.api.helpers import ErrorGroup, Report, post, report, rows


def _age(settings: Settings, table, days: int, **where) -> None:
    engine = make_engine(settings.resolved_database_url)
    old = datetime.now(UTC) - timedelta(days=days)
    with engine.begin() as conn:
        statement = update(table)
        for column, value in where.items():
            statement = statement.where(table.c[column] == value)
        values = {"created_at": old} if "created_at" in table.c else {"last_seen": old}
        conn.execute(statement.values(**values))
    engine.dispose()


def test_purge_deletes_old_reports_and_closed_groups_only(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    closed = post(client, report("intergration")).json()
    still_open = post(client, report("implement")).json()
    fresh = post(client, report("Officials")).json()
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        conn.execute(
            update(ErrorGroup.__table__)
            .where(ErrorGroup.__table__.c.id == closed["group_id"])
            .values(status="fixed")
        )
    _age(settings, Report.__table__, 400, id=closed["report_id"])
    _age(settings, Report.__table__, 400, id=still_open["report_id"])
    _age(settings, ErrorGroup.__table__, 400, id=closed["group_id"])
    _age(settings, ErrorGroup.__table__, 400, id=still_open["group_id"])
    with engine.begin() as conn:
        result = purge(conn, 365)
        left = conn.execute(select(Report.__table__.c.id)).scalars().all()
    engine.dispose()
    assert (result.reports, result.groups) == (2, 1)
    assert left == [fresh["report_id"]]
    assert {g.id for g in rows(settings, ErrorGroup)} == {still_open["group_id"], fresh["group_id"]}


def test_purge_blanks_reader_hashes_after_two_days(
    client: TestClient, news_site: str, settings: Settings
) -> None:
    old = post(client, report("intergration")).json()
    post(client, report("implement"))
    _age(settings, Report.__table__, 3, id=old["report_id"])
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        assert purge(conn, 365).hashes_cleared == 1
    engine.dispose()
    hashes = [r.reader_hash for r in rows(settings, Report)]
    assert hashes[0] == "" and hashes[1] != ""
