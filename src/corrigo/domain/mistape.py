"""Reading a Mistape report (the WordPress plugin's ``mistape_reports`` row) as a Corrigo report.

Mistape keeps the selected text (``selection``), and, only when each differs from
the one inside it, the word around it (``selection_word``), the phrase it would
replace (``selection_replace_context``) and the sentence (``selection_context``).
The widest of them that contains the selection gives the quote's context, cut
to Corrigo's 32 characters a side. The reader's address (``reporter_IP``) and
browser (``agent``) are never read. The result goes through the ingest's own
validation, so imported text is cleaned and bounded like a report from the widget.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from corrigo.domain.lifecycle import Status
from corrigo.domain.quote import CONTEXT_CHARS
from corrigo.domain.report import BCP47, CleanReport, QuoteIn, ReportIn, validate

# Mistape's statuses (the plugin and its reports table) → Corrigo's group statuses.
STATUSES = {
    "pending": Status.OPEN,
    "resolve": Status.FIXED,
    "resolved": Status.FIXED,
    "accepted": Status.FIXED,
    "archive": Status.REJECTED,
    "rejected": Status.REJECTED,
    "trash": Status.SPAM,
    "spam": Status.SPAM,
}
# The columns an import reads: never reporter_IP, agent or the reporter's user id.
COLUMNS = (
    "ID",
    "blog_id",
    "date",
    "date_gmt",
    "selection",
    "selection_word",
    "selection_replace_context",
    "selection_context",
    "comment",
    "url",
    "language",
    "status",
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class MistapeReport:
    """One Mistape row as Corrigo stores it: the clean report, when, and the mapped status."""

    report: CleanReport
    created_at: datetime
    status: Status
    source_status: str


def _text(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def client_id(row: Mapping[str, object]) -> str:
    """A stable id per Mistape row, so that importing twice stores each report once."""
    blog = _text(row, "blog_id").strip() or "1"
    return f"mistape-{blog}-{_text(row, 'ID').strip()}"


def _when(row: Mapping[str, object]) -> datetime:
    for name in ("date_gmt", "date"):
        value = row.get(name)
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        text = _text(row, name).strip()
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=UTC)
            except ValueError:
                continue
    raise ValueError("the row has no readable date")


def _quote(row: Mapping[str, object]) -> QuoteIn:
    selection = _text(row, "selection")
    for name in ("selection_context", "selection_replace_context", "selection_word"):
        context = _text(row, name)
        at = context.find(selection) if selection else -1
        if at >= 0:
            end = at + len(selection)
            prefix = context[max(0, at - CONTEXT_CHARS) : at]
            return QuoteIn(selection, prefix, context[end : end + CONTEXT_CHARS])
    return QuoteIn(selection)


def _lang(row: Mapping[str, object]) -> str:
    lang = _text(row, "language").strip().replace("_", "-")
    return lang if BCP47.match(lang) else ""


def from_row(row: Mapping[str, object], site_key: str) -> MistapeReport:
    """The Corrigo report of a Mistape row.

    Raises :class:`corrigo.domain.report.InputError` when the ingest's rules refuse
    it (no address, an empty or too long selection…), ValueError without a date.
    """
    raw = ReportIn(
        site=site_key,
        url=_text(row, "url"),
        quote=_quote(row),
        lang=_lang(row),
        comment=_text(row, "comment"),
        client_id=client_id(row),
        widget_version="mistape",
    )
    source_status = _text(row, "status").strip().lower()
    return MistapeReport(
        validate(raw), _when(row), STATUSES.get(source_status, Status.OPEN), source_status
    )
