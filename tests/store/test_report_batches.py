"""A batch stores exactly what the same reports stored one transaction at a time would.

The writer hands `store_reports` a whole batch, which reads once, decides in
memory and writes in bulk; this checks that against storing each report in its
own transaction, on both databases, through the cases where a report depends
on one earlier in the same batch.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update

from corrigo.domain.report import decode, validate
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.ingest import ReportJob, StoredReport, store_report, store_reports
from corrigo.store.models import Base, ErrorGroup, OutboxEvent, Report
from tests.api.helpers import URL, quote_of

GROUPS, REPORTS, OUTBOX = ErrorGroup.__table__, Report.__table__, OutboxEvent.__table__
THRESHOLD = 3
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def _job(site_id: int, exact: str, minute: int, **fields: Any) -> ReportJob:
    body = {
        "site": "batch-site",
        "url": URL,
        "title": "Budget approved",
        "lang": "en",
        "client_id": f"client-{minute:02d}-{len(exact):02d}",
        **quote_of(exact),
        **fields,
    }
    report = validate(decode(json.dumps(body).encode()))
    return ReportJob(site_id, report, "r" * 32, START + timedelta(minutes=minute))


def _seed(engine: Engine) -> tuple[int, list[ReportJob]]:
    """A site with three groups: open 'intergration', fixed 'the the', rejected 'approved'."""
    with make_sessionmaker(engine)() as session:
        site = create_site(session, "Batch News", ["https://news.example"], "en", "batch-site")
        session.commit()
        site_id = site.id
    seeds = [_job(site_id, exact, 0) for exact in ("intergration", "the the", "approved")]
    with engine.begin() as conn:
        stored = [store_report(conn, job, THRESHOLD) for job in seeds]
        for answer, status in zip(stored[1:], ("fixed", "rejected"), strict=True):
            conn.execute(
                update(GROUPS)
                .where(GROUPS.c.id == answer.group_id)
                .values(status=status, status_changed_at=START)
            )
    return site_id, seeds


def _scenario(site_id: int, seeds: list[ReportJob]) -> list[ReportJob]:
    other_page = _job(site_id, "intergration", 13, url=URL.replace("budget", "weather"))
    opens_winter = _job(site_id, "winter", 3)
    return [
        _job(site_id, "intergration", 1, title="Budget approved, update"),  # fingerprint
        _job(site_id, "intergration into", 2, title=""),  # overlap; threshold; title kept
        opens_winter,  # opens a group
        _job(site_id, "the winter", 4),  # overlaps a group this batch opened
        _job(site_id, "winter", 5, client_id=None),  # its fingerprint; threshold
        opens_winter,  # a retry within the batch
        seeds[0],  # a retry of a report stored before
        _job(site_id, "the the", 6),  # a fixed group comes back: reopens
        _job(site_id, "the budget", 7),  # ...and takes overlapping selections again
        _job(site_id, "approved", 8),  # a rejected group stays quiet
        _job(site_id, "implement intergration", 9, title=""),  # past the threshold: no event
        _job(site_id, "intergration", 10, title=""),
        _job(site_id, "winter", 11),
        _job(site_id, "they", 12),  # does not overlap anything: opens
        other_page,  # same words, another page: opens
        _job(site_id, "intergration", 14, url=URL.replace("budget", "weather")),
    ]


def _snapshot(engine: Engine, answers: list[StoredReport]) -> dict[str, Any]:
    """Everything stored, with ids replaced by their order so two databases compare."""
    with engine.connect() as conn:
        groups = conn.execute(select(GROUPS).order_by(GROUPS.c.id)).all()
        reports = conn.execute(select(REPORTS).order_by(REPORTS.c.id)).all()
        events = conn.execute(select(OUTBOX).order_by(OUTBOX.c.id)).all()
    group_rank = {row.id: rank for rank, row in enumerate(groups)}
    report_rank = {row.id: rank for rank, row in enumerate(reports)}
    return {
        "answers": [
            (report_rank[a.report_id], group_rank[a.group_id], a.duplicate) for a in answers
        ],
        "groups": [
            (
                g.exact,
                g.url,
                g.status,
                g.report_count,
                g.title,
                g.first_seen,
                g.last_seen,
                g.status_changed_at,
            )
            for g in groups
        ],
        "reports": [(group_rank[r.group_id], r.client_id, r.exact, r.created_at) for r in reports],
        "events": [
            (e.event_type, group_rank[e.group_id], report_rank[e.report_id], e.payload)
            for e in events
        ],
    }


def _empty(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(delete(table))


def test_one_batch_stores_what_one_transaction_per_report_stores(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        site_id, seeds = _seed(engine)
        one_by_one = []
        for job in _scenario(site_id, seeds):
            with engine.begin() as conn:
                one_by_one.append(store_report(conn, job, THRESHOLD))
        expected = _snapshot(engine, one_by_one)

        _empty(engine)
        site_id, seeds = _seed(engine)
        with engine.begin() as conn:
            batched = store_reports(conn, _scenario(site_id, seeds), THRESHOLD)
        assert _snapshot(engine, batched) == expected
    finally:
        engine.dispose()

    events = [event[0] for event in expected["events"]]
    # The scenario covers what it says: 'intergration', 'winter' and the reopened 'the the'
    # reach the threshold; 'winter', 'they', the other page and the reopening open.
    assert events.count("group.threshold") == 3
    assert events.count("group.opened") == 3 + 4
    statuses = {(group[0], group[1].rsplit("/", 1)[1]): group[2:5] for group in expected["groups"]}
    assert statuses[("intergration", "budget")] == ("open", 5, "Budget approved, update")
    assert statuses[("the the", "budget")][:2] == ("open", 3)
    assert statuses[("approved", "budget")][:2] == ("rejected", 2)
    assert statuses[("winter", "budget")][:2] == ("open", 4)
