"""Export reads in keyset batches: every row once, in order, whatever the batch size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from corrigo.store.export import records
from corrigo.store.inbox import InboxFilter
from tests.store.seeding import add_group, two_sites

START = datetime(2026, 3, 1, tzinfo=UTC)


def test_batches_cover_every_row_once(db_session: Session) -> None:
    news, sport = two_sites(db_session)
    for n in range(7):
        add_group(
            db_session, news if n % 2 else sport, f"typo{n}", [START + timedelta(hours=n)] * 2
        )
    db_session.commit()
    opened: list[int] = []
    sessions = sessionmaker(db_session.get_bind())

    def open_session() -> Session:
        session = sessions()
        opened.append(1)
        return session

    statements: list[str] = []
    event.listen(db_session.get_bind(), "before_cursor_execute", lambda *a: statements.append(a[2]))
    groups = list(records(open_session, "groups", None, InboxFilter(), batch=3))
    assert [row["exact"] for row in groups] == [f"typo{n}" for n in range(7)]
    assert len(opened) == 4  # the site keys, then 3 + 3 + 1 groups: one short read each
    reads = [statement for statement in statements if "FROM groups" in statement]
    assert len(reads) == 3 and all("LIMIT" in statement for statement in reads)
    reports = list(records(open_session, "reports", [news.id], InboxFilter(), batch=4))
    assert [row["id"] for row in reports] == sorted({row["id"] for row in reports})
    assert len(reports) == 6 and {row["site"] for row in reports} == {"news"}
    that_day = InboxFilter(since=START.date(), until=START.date())
    assert len(list(records(open_session, "reports", None, that_day))) == 14
    later = InboxFilter(since=START.date() + timedelta(days=1))
    assert list(records(open_session, "reports", None, later)) == []
    assert list(records(open_session, "groups", [], InboxFilter())) == []
