"""Searching quotes and comments through the trigram indexes, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, inspect, select, text, update
from sqlalchemy.orm import Session

from corrigo.store.inbox import InboxFilter, inbox_page
from corrigo.store.models import ErrorGroup, Report, Site
from corrigo.store.search import SEARCH_OBJECTS
from tests.store.seeding import add_group, two_sites

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


@pytest.fixture
def sites(db_session: Session) -> tuple[Site, Site]:
    return two_sites(db_session)


def found(session: Session, term: str, site_ids: list[int] | None = None) -> set[str]:
    """The quotes of the groups the inbox lists when searching for `term`."""
    page = inbox_page(session, site_ids, InboxFilter(search=term), limit=200)
    return {row.exact for row in page.rows}


def test_the_search_objects_exist_and_are_named(db_session: Session) -> None:
    inspector = inspect(db_session.get_bind())
    tables = {name for name in inspector.get_table_names() if name.startswith("search_")}
    # Every one is named for the migration test, which leaves them out of its comparison.
    assert {"search_comments"} <= tables <= SEARCH_OBJECTS
    if db_session.get_bind().dialect.name == "sqlite":
        assert "search_groups" in tables  # FTS5, with its shadow tables
    else:
        on_groups = {index["name"] for index in inspector.get_indexes("groups")}
        on_comments = {index["name"] for index in inspector.get_indexes("search_comments")}
        assert "search_groups_exact" in on_groups
        assert on_comments == {"search_comments_comment"} <= SEARCH_OBJECTS


def test_quotes_and_comments_are_found_ignoring_case(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, _sport = sites
    add_group(db_session, news, "intergration", [NOW])
    add_group(db_session, news, "Київ", [NOW, NOW], comments=["", "Помилка в назві міста"])
    add_group(db_session, news, "teh", [NOW], comments=["Should be THE"])
    add_group(db_session, news, "other", [NOW], comments=["nothing to see"])
    db_session.commit()
    assert found(db_session, "INTERGR") == {"intergration"}
    assert found(db_session, "gration") == {"intergration"}
    assert found(db_session, "помилка") == {"Київ"}  # Cyrillic case folding
    assert found(db_session, "київ") == {"Київ"}
    assert found(db_session, "should be the") == {"teh"}  # a phrase, spaces included
    assert found(db_session, "zzqxj") == set()


def test_short_terms_and_special_characters(db_session: Session, sites: tuple[Site, Site]) -> None:
    news, _sport = sites
    add_group(db_session, news, "100%", [NOW], comments=['say "hi" to a_b'])
    add_group(db_session, news, "1000", [NOW], comments=["ab"])
    add_group(db_session, news, "x", [NOW], comments=["it's 50% off"])
    db_session.commit()
    assert found(db_session, "%") == {"100%", "x"}  # literal, not a wildcard
    assert found(db_session, "0%") == {"100%", "x"}
    assert found(db_session, "a_b") == {"100%"}  # underscore is literal too
    assert found(db_session, '"hi"') == {"100%"}  # quotes cannot break the FTS query
    assert found(db_session, "it's") == {"x"}
    assert found(db_session, "ab") == {"1000"}  # shorter than a trigram: scanned
    assert found(db_session, "AB") == {"1000"}


def test_comments_of_other_sites_are_not_consulted(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, sport = sites
    add_group(db_session, news, "news quote", [NOW], comments=["shared word"])
    add_group(db_session, sport, "sport quote", [NOW], comments=["shared word"])
    db_session.commit()
    assert found(db_session, "shared", [news.id]) == {"news quote"}
    assert found(db_session, "shared", [sport.id]) == {"sport quote"}
    assert found(db_session, "shared") == {"news quote", "sport quote"}
    assert found(db_session, "shared", []) == set()


def test_the_indexes_follow_updates_and_deletions(
    db_session: Session, sites: tuple[Site, Site]
) -> None:
    news, _sport = sites
    kept = add_group(db_session, news, "alpha", [NOW, NOW], comments=["first note", ""])
    gone = add_group(db_session, news, "omega", [NOW], comments=["doomed note"])
    db_session.commit()
    db_session.execute(
        update(Report).where(Report.group_id == kept.id).values(comment="rewritten remark")
    )
    db_session.execute(update(ErrorGroup).where(ErrorGroup.id == kept.id).values(exact="beta"))
    db_session.execute(delete(ErrorGroup).where(ErrorGroup.id == gone.id))  # cascades to reports
    db_session.commit()
    assert found(db_session, "first note") == set()
    assert found(db_session, "rewritten") == {"beta"}
    assert found(db_session, "alpha") == set()
    assert found(db_session, "beta") == {"beta"}
    assert found(db_session, "doomed") == set()
    assert found(db_session, "omega") == set()
    if db_session.get_bind().dialect.name == "sqlite":
        # The FTS5 tables agree with their content (the 'integrity-check' command).
        for table in ("search_groups", "search_comments"):
            db_session.execute(text(f"INSERT INTO {table}({table}) VALUES ('integrity-check')"))
    copies = db_session.execute(text("SELECT comment, group_id FROM search_comments")).all()
    # The two rewritten comments (empty ones are not copied); the deleted group's are gone.
    assert sorted(copies) == [("rewritten remark", kept.id)] * 2
    assert db_session.execute(select(Report.id).where(Report.group_id == gone.id)).all() == []
