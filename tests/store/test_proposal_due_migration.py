"""Migration 0009 marks due the groups the proposer would have computed by the old rule."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import select

from corrigo.domain.proposal import StoredProposal
from corrigo.store.db import alembic_config, make_engine, make_sessionmaker, upgrade
from corrigo.store.models import ErrorGroup
from corrigo.store.proposals import due_groups, save_proposal
from tests.store.seeding import add_group, two_sites

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_the_migration_marks_due_the_open_groups_without_an_up_to_date_proposal(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine)() as session:
            news, _sport = two_sites(session)
            names = ("current", "unproposed", "behind", "fixed", "rejected")
            groups = {name: add_group(session, news, name, [T0]) for name in names}
            for group in due_groups(session, 10):
                if group.exact in ("current", "behind", "rejected"):
                    save_proposal(session, group, StoredProposal(None, None), T0)
            # Reports since their proposals (the old rule's "due", whatever they carried).
            groups["behind"].report_count = groups["rejected"].report_count = 2
            groups["fixed"].status, groups["rejected"].status = "fixed", "rejected"
            session.commit()
            ids = {name: group.id for name, group in groups.items()}
        command.downgrade(alembic_config(database_url), "0008")
        upgrade(database_url)
        with make_sessionmaker(engine)() as session:
            flags = dict(session.execute(select(ErrorGroup.exact, ErrorGroup.proposal_due)).all())
            due = {group.id for group in due_groups(session, 10)}
        assert flags == {"current": 0, "unproposed": 1, "behind": 1, "fixed": 0, "rejected": 0}
        assert due == {ids["unproposed"], ids["behind"]}
    finally:
        engine.dispose()
