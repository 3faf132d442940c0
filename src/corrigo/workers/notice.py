"""What a notification says, independent of where it goes (pure data and helpers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from corrigo.domain.lifecycle import NoticeType
from corrigo.domain.proposal import Proposal
from corrigo.domain.quote import CONTEXT_CHARS

# A message an editor sends to check a channel (`corrigo channel test`); no misprint behind it.
EVENT_TEST = "channel.test"
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Notice:
    """One misprint event, with every string as the reader sent it (nothing escaped yet)."""

    event_id: str
    event_type: str
    site_key: str
    site_name: str
    group_id: int
    group_status: str
    url: str
    title: str
    author: str
    exact: str
    prefix: str
    suffix: str
    comment: str
    suggestion: str
    report_count: int
    occurred_at: datetime
    dashboard_url: str
    fragment_url: str
    proposal: Proposal | None = None

    @property
    def is_threshold(self) -> bool:
        """Whether this event says that many readers now report the misprint."""
        return self.event_type == NoticeType.THRESHOLD

    @property
    def is_still_present(self) -> bool:
        """Whether this event says that a misprint marked fixed is still on the page."""
        return self.event_type == NoticeType.STILL_PRESENT

    @property
    def is_test(self) -> bool:
        """Whether this is a channel test, not a misprint."""
        return self.event_type == EVENT_TEST

    @property
    def page_label(self) -> str:
        """The page's title, or its address when the page had none."""
        return self.title or self.url

    def context(self) -> tuple[str, str, str]:
        """(before, exact, after): the quote in its sentence, with ellipses where text was cut.

        A context shorter than the widget's limit reached the start or end of the
        article, so it gets no ellipsis.
        """
        before = self.prefix.lstrip()
        after = self.suffix.rstrip()
        if len(self.prefix) >= CONTEXT_CHARS:
            before = ELLIPSIS + before
        if len(self.suffix) >= CONTEXT_CHARS:
            after = after + ELLIPSIS
        return before, self.exact, after

    def headline(self) -> str:
        """One plain sentence saying what happened."""
        if self.is_test:
            return "Test message: this channel works, there is no misprint to fix"
        if self.is_threshold:
            return f"{self.report_count} readers now report a misprint"
        if self.is_still_present:
            return "A misprint marked fixed is still on the page"
        return "A reader reports a misprint"


@dataclass(frozen=True, slots=True)
class DigestPage:
    """One page in a digest and the misprints found on it."""

    url: str
    title: str
    notices: list[Notice] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The page's title, or its address when the page had none."""
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class Digest:
    """A day's misprints for one channel, grouped by page."""

    digest_id: str
    site_key: str
    site_name: str
    day: date
    pages: list[DigestPage]
    dashboard_url: str

    @property
    def count(self) -> int:
        """How many misprints the digest lists."""
        return sum(len(page.notices) for page in self.pages)


def build_digest(digest_id: str, notices: list[Notice], day: date, dashboard_url: str) -> Digest:
    """Group a channel's notices (at least one) by page, in the order they were first seen.

    A misprint that both opened and crossed the threshold within the day is
    listed once, with its latest reader count.
    """
    if not notices:
        raise ValueError("a digest needs at least one notice")
    ordered = sorted(notices, key=lambda n: (n.occurred_at, n.report_count))
    latest: dict[int, Notice] = {}
    for notice in ordered:
        latest.setdefault(notice.group_id, notice)
        if notice.report_count >= latest[notice.group_id].report_count:
            latest[notice.group_id] = notice
    pages: dict[str, DigestPage] = {}
    # dicts keep insertion order: groups appear in the order their first event came.
    for group_id in dict.fromkeys(n.group_id for n in ordered):
        notice = latest[group_id]
        page = pages.setdefault(notice.url, DigestPage(notice.url, notice.title))
        page.notices.append(notice)
    return Digest(
        digest_id=digest_id,
        site_key=ordered[0].site_key,
        site_name=ordered[0].site_name,
        day=day,
        pages=list(pages.values()),
        dashboard_url=dashboard_url,
    )
