"""Telegram Bot API messages in its HTML parse mode.

Telegram accepts a few tags (b, i, u, a, blockquote…) and requires ``&``, ``<``
and ``>`` everywhere else to be entities; reader text is escaped so it can add
no tag and no link.
"""

from __future__ import annotations

import html
import re

from corrigo.workers.notice import Digest, DigestPage, Notice
from corrigo.workers.render.text import (
    LABEL_CHARS,
    fit_pages,
    footer,
    http_url,
    plural,
    proposal_origin,
    shorten,
)

# Telegram refuses messages longer than 4,096 characters after entity parsing.
MAX_VISIBLE = 4096
_TAG = re.compile(r"<[^>]*>")


def escape(text: str) -> str:
    """Text safe in Telegram HTML, in element content and in attribute values."""
    return html.escape(text, quote=True)


def link(url: str, label: str) -> str:
    """An ``<a>`` to an http(s) address, or the bare label for anything else."""
    target = http_url(url)
    if not target:
        return escape(label)
    return f'<a href="{escape(target)}">{escape(label)}</a>'


def visible_length(markup: str) -> int:
    """How many characters Telegram counts for this markup (tags removed, entities decoded)."""
    return len(html.unescape(_TAG.sub("", markup)))


def _misprint(notice: Notice) -> list[str]:
    before, exact, after = notice.context()
    lines = [
        f"<blockquote>{escape(before)}<b><u>{escape(exact)}</u></b>{escape(after)}</blockquote>"
    ]
    if notice.proposal:
        text = escape(notice.proposal.text)
        lines.append(f"<b>Proposed correction:</b> {text} <i>({proposal_origin(notice)})</i>")
    if notice.suggestion:
        lines.append(f"<b>Suggestion:</b> {escape(notice.suggestion)}")
    if notice.comment:
        lines.append(f"<b>Comment:</b> <i>{escape(notice.comment)}</i>")
    lines.append(footer(notice, link))
    return lines


def notice_text(notice: Notice) -> str:
    """The message for one event (always within Telegram's length limit)."""
    head = f"<b>{escape(notice.site_name)}</b>: {escape(notice.headline())}"
    page = link(notice.url, shorten(notice.page_label, LABEL_CHARS))
    return "\n".join([head, page, *_misprint(notice)])


def _page(page: DigestPage) -> str:
    lines = ["", f"<b>{link(page.url, shorten(page.label, LABEL_CHARS))}</b>"]
    return "\n".join(lines + [line for notice in page.notices for line in _misprint(notice)])


def digest_text(digest: Digest) -> str:
    """The digest message; pages that do not fit in one message are counted at the end."""
    head = (
        f"<b>{escape(digest.site_name)}</b>: {plural(digest.count, 'misprint')} on "
        f"{plural(len(digest.pages), 'page')}, {digest.day.isoformat()}"
    )
    footer = link(digest.dashboard_url, "All misprints in the dashboard")
    # Room for the head, the footer and the "…and N more" line.
    budget = MAX_VISIBLE - visible_length(head) - visible_length(footer) - 80
    blocks = fit_pages(digest, _page, budget, visible_length)
    return "\n".join([head, *blocks, "", footer])
