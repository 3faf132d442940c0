"""Plain-text pieces shared by every format: counts, shortening, one-line labels."""

from __future__ import annotations

from collections.abc import Callable

from corrigo.domain.lifecycle import Status
from corrigo.workers.notice import Digest, DigestPage, Notice

ELLIPSIS = "…"
# Page labels and quotes in headlines are cut so one long title cannot swamp a message.
LABEL_CHARS = 200
HEADLINE_QUOTE_CHARS = 60


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks included) folded to one space."""
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when cut."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def plural(count: int, noun: str) -> str:
    """'1 reader', '5 readers' (English nouns that take an -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def proposal_origin(notice: Notice) -> str:
    """Where a notice's proposed correction comes from, in words ("" without one)."""
    if notice.proposal is None:
        return ""
    if notice.proposal.source == "readers":
        return f"suggested by {plural(notice.proposal.readers, 'reader')}"
    if notice.proposal.source == "site":
        return "from this site's earlier fixes"
    return "from the dictionary"


def http_url(url: str) -> str:
    """`url` if it is an http(s) address, else an empty string.

    Page addresses are checked at the ingest already; this keeps a link from
    ever carrying another scheme (``javascript:``) should that check change.
    """
    return url if url.lower().startswith(("https://", "http://")) else ""


def fit_pages(
    digest: Digest,
    render_page: Callable[[DigestPage], str],
    budget: int,
    measure: Callable[[str], int] = len,
) -> list[str]:
    """The rendered pages of a digest that fit in `budget`, then a line counting the rest.

    Chat messages have a length limit; a digest that would pass it lists what
    fits and says how many misprints more wait in the dashboard.
    """
    blocks: list[str] = []
    used = shown = 0
    for page in digest.pages:
        block = render_page(page)
        size = measure(block)
        if used + size > budget:
            break
        blocks.append(block)
        used += size
        shown += len(page.notices)
    if shown < digest.count:
        blocks.append(f"\n…and {plural(digest.count - shown, 'more misprint')}.")
    return blocks


def footer(notice: Notice, link: Callable[[str, str], str]) -> str:
    """'3 readers · <dashboard link> · <page link>', with `link` building each format's links."""
    status = "" if notice.group_status == Status.OPEN else f" · now {notice.group_status}"
    return (
        f"{plural(notice.report_count, 'reader')}{status} · "
        f"{link(notice.dashboard_url, 'Open in the dashboard')} · "
        f"{link(notice.fragment_url, 'Show on the page')}"
    )
