"""Slack incoming-webhook messages in mrkdwn, with Slack's own escaping rules.

Slack asks for exactly three escapes, ``&`` ``<`` ``>``: with them a reader
cannot open a link (``<https://…|text>``) or a mention (``<!channel>``).
"""

from __future__ import annotations

from typing import Any

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

# Slack truncates a message's text at 40,000 characters; stay well below.
MAX_TEXT = 35_000
# Slack bolds *word* only at word boundaries; a zero-width space makes one inside a word.
_ZWSP = "\u200b"


def escape(text: str) -> str:
    """Text safe inside a mrkdwn message."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """``<url|label>``; a ``|`` in the address would end it early, so it is percent-encoded."""
    target = http_url(url)
    if not target:
        return escape(label)
    return f"<{escape(target).replace('|', '%7C')}|{escape(label)}>"


def _quoted(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines())


def _marked(before: str, exact: str, after: str) -> str:
    left = _ZWSP if before[-1:].isalnum() else ""
    right = _ZWSP if after[:1].isalnum() else ""
    return f"{escape(before)}{left}*{escape(exact)}*{right}{escape(after)}"


def _misprint(notice: Notice) -> list[str]:
    lines = [_quoted(_marked(*notice.context()))]
    if notice.proposal:
        text = escape(notice.proposal.text)
        lines.append(f"*Proposed correction:* {text} ({proposal_origin(notice)})")
    if notice.suggestion:
        lines.append(f"*Suggestion:* {escape(notice.suggestion)}")
    if notice.comment:
        lines += ["*Comment:*", _quoted(escape(notice.comment))]
    lines.append(footer(notice, link))
    return lines


def _payload(text: str) -> dict[str, Any]:
    # Unfurling would make Slack fetch reader-supplied addresses.
    return {"text": text, "mrkdwn": True, "unfurl_links": False, "unfurl_media": False}


def notice_payload(notice: Notice) -> dict[str, Any]:
    """The JSON body for one event."""
    head = f"*{escape(notice.site_name)}*: {escape(notice.headline())}"
    page = f"*{link(notice.url, shorten(notice.page_label, LABEL_CHARS))}*"
    return _payload("\n".join([head, page, *_misprint(notice)]))


def _page(page: DigestPage) -> str:
    lines = [f"\n*{link(page.url, shorten(page.label, LABEL_CHARS))}*"]
    return "\n".join(lines + [line for notice in page.notices for line in _misprint(notice)])


def digest_payload(digest: Digest) -> dict[str, Any]:
    """The JSON body for a digest; pages that do not fit are counted, not dropped silently."""
    head = (
        f"*{escape(digest.site_name)}*: {plural(digest.count, 'misprint')} on "
        f"{plural(len(digest.pages), 'page')}, {digest.day.isoformat()}"
    )
    footer = link(digest.dashboard_url, "All misprints in the dashboard")
    blocks = fit_pages(digest, _page, MAX_TEXT - len(head) - len(footer) - 100)
    return _payload("\n".join([head, *blocks, "", footer]))
