"""E-mail: a subject, a plain-text part and an HTML part (autoescaped Jinja templates)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from corrigo.domain.lifecycle import Status
from corrigo.workers.notice import Digest, DigestPage, Notice
from corrigo.workers.render.text import (
    HEADLINE_QUOTE_CHARS,
    LABEL_CHARS,
    http_url,
    one_line,
    plural,
    proposal_origin,
    shorten,
)

SUBJECT_CHARS = 180


def _page_label(item: Notice | DigestPage) -> str:
    return shorten(item.title, LABEL_CHARS) if item.title else item.url


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.globals.update(plural=plural, page_label=_page_label, proposal_origin=proposal_origin)
_TEMPLATES.filters["http_url"] = http_url


@dataclass(frozen=True, slots=True)
class EmailContent:
    """What goes into one e-mail besides its envelope."""

    subject: str
    text: str
    html: str


def _subject(text: str) -> str:
    # One line only: a line break in a header would let a reader forge headers.
    return shorten(one_line(text), SUBJECT_CHARS)


def notice_subject(notice: Notice) -> str:
    """'[Site] Misprint: “word” in Page title' (or the reader count past the threshold)."""
    if notice.is_test:
        return _subject(f"[{notice.site_name}] Test message from Corrigo (no misprint)")
    what = f"{notice.report_count} readers report" if notice.is_threshold else "Misprint:"
    if notice.is_still_present:
        what = "Still on the page:"
    quote = shorten(notice.exact, HEADLINE_QUOTE_CHARS)
    page = shorten(notice.page_label, HEADLINE_QUOTE_CHARS)
    return _subject(f"[{notice.site_name}] {what} “{quote}” in {page}")


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _text_block(notice: Notice, show_page: bool) -> list[str]:
    before, exact, after = notice.context()
    lines = []
    if show_page:
        lines += [_page_label(notice), notice.url, ""]
    lines += [_indent(f"{before}**{exact}**{after}"), ""]
    if notice.proposal:
        lines.append(f"Proposed correction: {notice.proposal.text} ({proposal_origin(notice)})")
    if notice.suggestion:
        lines.append(f"Suggestion: {notice.suggestion}")
    if notice.comment:
        lines += ["Comment:", _indent(notice.comment)]
    status = "" if notice.group_status == Status.OPEN else f", now {notice.group_status}"
    lines += [
        f"Reported by {plural(notice.report_count, 'reader')}{status}.",
        f"Dashboard:   {notice.dashboard_url}",
        f"On the page: {notice.fragment_url}",
        "",
    ]
    return lines


def notice_email(notice: Notice) -> EmailContent:
    """The e-mail for one event; the quoted words are marked ``**so**`` and ``<mark>``."""
    subject = notice_subject(notice)
    lines = [f"{notice.site_name}: {notice.headline()}.", "", *_text_block(notice, True)]
    text = "\n".join([*lines, f"-- Corrigo, event {notice.event_id}"])
    before, exact, after = notice.context()
    html = _TEMPLATES.get_template("notice.html").render(
        subject=subject, n=notice, before=before, exact=exact, after=after
    )
    return EmailContent(subject, text + "\n", html)


def digest_subject(digest: Digest) -> str:
    """'[Site] 7 misprints on 3 pages, 2026-11-27'."""
    return _subject(
        f"[{digest.site_name}] {plural(digest.count, 'misprint')} on "
        f"{plural(len(digest.pages), 'page')}, {digest.day.isoformat()}"
    )


def digest_email(digest: Digest) -> EmailContent:
    """The daily e-mail: every page with its misprints."""
    subject = digest_subject(digest)
    lines = [subject, ""]
    for page in digest.pages:
        lines += ["=" * 8 + " " + _page_label(page), page.url, ""]
        for notice in page.notices:
            lines += _text_block(notice, False)
    lines += [f"All misprints: {digest.dashboard_url}", f"-- Corrigo, digest {digest.digest_id}"]
    html = _TEMPLATES.get_template("digest.html").render(subject=subject, d=digest)
    return EmailContent(subject, "\n".join(lines) + "\n", html)
