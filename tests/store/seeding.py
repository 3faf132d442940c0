"""Writing groups and reports with chosen times straight into the store, for store tests."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from corrigo.domain.fingerprint import page_hash
from corrigo.store.admin import create_site
from corrigo.store.models import ErrorGroup, Report, Site
from corrigo.store.rollups import rebuild


def two_sites(session: Session) -> tuple[Site, Site]:
    """The sites "news" (Daily News) and "sport" (Sport Weekly), committed."""
    news = create_site(session, "Daily News", ["https://news.example"], public_key="news")
    sport = create_site(session, "Sport Weekly", ["https://sport.example"], public_key="sport")
    session.commit()
    return news, sport


def commit_with_rollups(session: Session) -> None:
    """Commit groups written by :func:`add_group`, with the statistics' rollups computed."""
    rebuild(session.connection())
    session.commit()


def add_group(
    session: Session,
    site: Site,
    exact: str,
    times: list[datetime],
    *,
    url: str = "https://news.example/politics/2026/budget",
    status: str = "open",
    changed_at: datetime | None = None,
    comments: list[str] | None = None,
    title: str = "Budget approved",
) -> ErrorGroup:
    """A group of `site` with one report per entry of `times` (the first is its first report)."""
    shared = {"site_id": site.id, "url": url, "title": title, "lang": "en", "author": "",
              "exact": exact, "prefix": "", "suffix": ""}  # fmt: skip
    group = ErrorGroup(
        **shared,
        fingerprint=hashlib.sha256(f"{site.id}{url}{exact}{times[0]}".encode()).hexdigest(),
        url_hash=page_hash(site.public_key, url),
        status=status,
        report_count=len(times),
        first_seen=times[0],
        last_seen=max(times),
        status_changed_at=changed_at,
        status_note="",
    )
    session.add(group)
    session.flush()
    for index, moment in enumerate(times):
        comment = comments[index] if comments and index < len(comments) else ""
        session.add(
            Report(
                **shared,
                group_id=group.id,
                client_id=f"{group.id}-{index}-client",
                comment=comment,
                suggestion="",
                widget_version="1",
                reader_hash="",
                created_at=moment,
            )
        )
    session.flush()
    return group
