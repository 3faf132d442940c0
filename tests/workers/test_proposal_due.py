"""When the proposer works: only when a proposal's inputs change, never for a plain report.

A group is due while its `proposal_due` counts changes not yet taken into a proposal: it
is new, a reader sent a suggestion, it opened again, or a notice about it waits for a
proposal. Reports without a suggestion cost the proposer nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import Engine, select

from corrigo.domain.lifecycle import Action, Status
from corrigo.domain.proposal import Proposal, ReaderSuggestion
from corrigo.domain.report import decode, validate
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.ingest import ReportJob, store_reports
from corrigo.store.models import ErrorGroup, GroupProposal, LexiconCorrection, Site
from corrigo.store.proposals import due_groups, proposal_of, proposer_turn
from corrigo.store.triage import Decision, decide
from corrigo.workers import proposer as proposer_module
from corrigo.workers.proposer import Proposer
from tests.store.seeding import add_group

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)
# High enough that no group here reaches it, unless a test sets its own.
QUIET = 100
_client_ids = count()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    with make_sessionmaker(engine).begin() as session:
        create_site(session, "News", ["https://news.example"], public_key="news")
    yield engine
    engine.dispose()


def _site_id(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        return session.execute(select(Site.id)).scalar_one()


def report(engine: Engine, suggestion: str = "", exact: str = "intergration") -> ReportJob:
    """A report of `exact` on the one page, from a new reader."""
    body: dict[str, object] = {
        "site": "news",
        "url": "https://news.example/2026/budget",
        "lang": "en",
        "client_id": f"reader-{next(_client_ids)}",
        "quote": {"exact": exact, "prefix": "plan to use ", "suffix": " tests before"},
        "suggestion": suggestion,
    }
    received = T0 + timedelta(seconds=next(_client_ids))
    return ReportJob(_site_id(engine), validate(decode(json.dumps(body).encode())), "", received)


def store(engine: Engine, *jobs: ReportJob, threshold: int = QUIET) -> int:
    """Store the reports in one batch; returns the group of the last one."""
    with engine.begin() as conn:
        return store_reports(conn, list(jobs), threshold)[-1].group_id


def due(engine: Engine) -> dict[int, int]:
    """Group id → `proposal_due`, as the proposer reads them."""
    with make_sessionmaker(engine)() as session:
        return {group.id: group.due for group in due_groups(session, 100)}


def proposal(engine: Engine, group_id: int) -> Proposal | None:
    with make_sessionmaker(engine)() as session:
        stored = proposal_of(session, group_id)
    assert stored is not None
    return stored.proposal


def computed_for(engine: Engine, group_id: int) -> int:
    """The group's report count when its proposal was computed."""
    with make_sessionmaker(engine)() as session:
        return session.execute(
            select(GroupProposal.report_count).where(GroupProposal.group_id == group_id)
        ).scalar_one()


def test_a_new_group_is_due_and_a_report_without_a_suggestion_changes_nothing(
    engine: Engine,
) -> None:
    proposer = Proposer(engine)
    group_id = store(engine, report(engine))
    assert due(engine) == {group_id: 1}
    assert proposer.step() == 1
    assert due(engine) == {}
    store(engine, report(engine), report(engine))
    store(engine, report(engine))
    assert due(engine) == {}
    assert proposer.step() == 0


def test_a_suggestion_makes_the_group_due_and_the_new_proposal_counts_it(
    engine: Engine,
) -> None:
    proposer = Proposer(engine)
    group_id = store(engine, report(engine))
    proposer.drain()
    assert store(engine, report(engine), report(engine, "integration")) == group_id
    assert due(engine) == {group_id: 1}
    proposer.drain()
    assert proposal(engine, group_id) == Proposal("integration", "readers", 1)
    assert computed_for(engine, group_id) == 3
    # Each suggestion of a batch counts, summed up in the batch's one update of the group.
    store(engine, report(engine, "integrated"), report(engine), report(engine, "integrated"))
    assert due(engine) == {group_id: 2}
    proposer.drain()
    assert due(engine) == {}
    assert proposal(engine, group_id) == Proposal("integrated", "readers", 2)
    assert computed_for(engine, group_id) == 6


def test_a_suggestion_stored_while_the_proposal_is_computed_leaves_the_group_due(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    group_id = store(engine, report(engine))
    read = proposer_module.reader_suggestions_of
    arrived: list[int] = []

    def read_then_a_reader_suggests(
        session: object, groups: list[int]
    ) -> dict[int, list[ReaderSuggestion]]:
        found = read(session, groups)  # type: ignore[arg-type]
        if not arrived:  # committed between the proposer's reading and its saving
            arrived.append(store(engine, report(engine, "integration")))
        return found

    monkeypatch.setattr(proposer_module, "reader_suggestions_of", read_then_a_reader_suggests)
    proposer = Proposer(engine)
    assert proposer.step() == 1
    assert arrived == [group_id]
    # Saved without the suggestion, which it never saw: the group stays due for it.
    assert proposal(engine, group_id) != Proposal("integration", "readers", 1)
    assert due(engine) == {group_id: 2}
    assert proposer.step() == 1
    assert proposal(engine, group_id) == Proposal("integration", "readers", 1)
    assert due(engine) == {}


def test_a_notice_waits_for_a_fresh_proposal(engine: Engine) -> None:
    # The notifier holds a notification back until a proposal computed after its event
    # exists (`proposal_wait`); reaching the threshold is such an event.
    proposer = Proposer(engine)
    group_id = store(engine, report(engine), threshold=2)
    proposer.drain()
    store(engine, report(engine), threshold=2)
    assert due(engine) == {group_id: 1}
    proposer.drain()
    store(engine, report(engine), threshold=2)
    assert due(engine) == {}


def _fix(engine: Engine, group_id: int, correction: str) -> None:
    with make_sessionmaker(engine).begin() as session:
        decide(session, None, [group_id], Decision(Action.FIXED, correction=correction), None)


def test_a_fixed_group_reported_again_gets_a_proposal_from_what_its_fix_taught(
    engine: Engine,
) -> None:
    proposer = Proposer(engine)
    group_id = store(engine, report(engine))
    proposer.drain()
    _fix(engine, group_id, "integrated")  # the site's memory learns intergration → integrated
    assert due(engine) == {}
    assert store(engine, report(engine)) == group_id  # the fix did not reach the page
    assert due(engine) == {group_id: 1}
    proposer.drain()
    assert proposal(engine, group_id) == Proposal("integrated", "site", 0)


def test_a_group_an_editor_reopens_is_proposed_for_afresh(engine: Engine) -> None:
    proposer = Proposer(engine)
    fixed = store(engine, report(engine))
    rejected = store(engine, report(engine, exact="counsil"))
    proposer.drain()
    _fix(engine, fixed, "integrated")
    with make_sessionmaker(engine).begin() as session:
        decide(session, None, [rejected], Decision(Action.REJECT), None)
    # A rejected group's reports join it quietly; their suggestions wait for a reopening.
    store(engine, report(engine, "council", exact="counsil"))
    assert due(engine) == {}
    assert proposer.step() == 0
    with make_sessionmaker(engine).begin() as session:
        decide(session, None, [fixed, rejected], Decision(Action.REOPEN), None)
        statuses = session.execute(select(ErrorGroup.status)).scalars().all()
    assert set(statuses) == {Status.OPEN}
    assert due(engine) == {fixed: 1, rejected: 2}
    proposer.drain()
    assert due(engine) == {}
    assert proposal(engine, fixed) == Proposal("integrated", "site", 0)
    assert proposal(engine, rejected) == Proposal("council", "readers", 1)


def test_groups_made_through_the_models_are_due(engine: Engine) -> None:
    with make_sessionmaker(engine)() as session:
        site = session.execute(select(Site)).scalar_one()
        group_id = add_group(session, site, "intergration", [T0, T0]).id
        session.commit()
    assert due(engine) == {group_id: 1}
    Proposer(engine).drain()
    assert due(engine) == {}
    assert computed_for(engine, group_id) == 2


def test_one_round_proposes_for_many_groups_as_one_at_a_time_would(engine: Engine) -> None:
    # The round reads its groups' facts together; each group still gets its own.
    site = _site_id(engine)
    readers = store(engine, report(engine, "integrated"), report(engine, "integration"))
    store(engine, report(engine, "integrated"))
    remembered = store(engine, report(engine, exact="recieved"))
    with make_sessionmaker(engine).begin() as session:
        other = create_site(session, "Other", ["https://other.example"], public_key="other")
        session.flush()
        session.add_all(
            [
                LexiconCorrection(
                    site_id=site, misspelling="recieved", correction="received", count=2,
                    updated_at=T0,
                ),
                LexiconCorrection(
                    site_id=other.id, misspelling="recieved", correction="recovered", count=5,
                    updated_at=T0,
                ),
            ]
        )  # fmt: skip
        elsewhere = add_group(session, other, "recieved", [T0], url="https://other.example/a")
        session.flush()
        elsewhere_id = elsewhere.id
    assert Proposer(engine).step() == 3
    assert proposal(engine, readers) == Proposal("integrated", "readers", 2)
    assert proposal(engine, remembered) == Proposal("received", "site", 0)
    assert proposal(engine, elsewhere_id) == Proposal("recovered", "site", 0)
    assert due(engine) == {}


def test_one_process_at_a_time_computes_proposals_on_postgresql(
    engine: Engine, database_url: str
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores are written by one process")
    group_id = store(engine, report(engine))
    other = make_engine(database_url)
    try:
        # Another process's proposer holds the turn: this one leaves the group due.
        with proposer_turn(other) as theirs:
            assert theirs
            assert Proposer(engine).step() == 0
            assert due(engine) == {group_id: 1}
        assert Proposer(engine).step() == 1
        assert due(engine) == {}
    finally:
        other.dispose()


def test_while_running_a_hot_group_is_proposed_again_at_most_once_a_spacing(
    engine: Engine,
) -> None:
    now = [T0]
    proposer = Proposer(engine, clock=lambda: now[0])
    spacing = timedelta(seconds=1)
    group_id = store(engine, report(engine, "integration"))
    assert proposer.step(spacing) == 1
    store(engine, report(engine, "integrated"), report(engine, "integrated"))
    now[0] = T0 + timedelta(milliseconds=500)
    assert proposer.step(spacing) == 0  # proposed half a second ago: it waits
    assert due(engine) == {group_id: 2}
    now[0] = T0 + timedelta(seconds=1, milliseconds=1)
    assert proposer.step(spacing) == 1
    assert proposal(engine, group_id) == Proposal("integrated", "readers", 2)
    # Without spacing (drain, `corrigo worker --once`) nothing waits.
    store(engine, report(engine, "integrated"))
    assert proposer.step() == 1
