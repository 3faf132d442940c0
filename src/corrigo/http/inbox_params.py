"""Reading the inbox's filters from a query string (shared by the pages and the JSON API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from corrigo.domain.numbers import parse_whole
from corrigo.store.inbox import DEFAULT_LIMIT, MAX_LIMIT, Cursor, InboxError, InboxFilter
from corrigo.store.sites import visible_site_id

# Longest accepted value of any filter parameter; anything longer is refused.
MAX_PARAM = 2000


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """A parsed inbox request: the filter, where the page starts and how long it is."""

    wanted: InboxFilter
    after: Cursor | None
    limit: int


# Parameters whose documented type has no empty value: a date, a number, a choice.
TYPED_PARAMS = ("status", "since", "until", "limit", "what", "format")


def refuse_blank(params: Mapping[str, str]) -> None:
    """InboxError for an empty date, number or choice (the API; forms send blanks for unset)."""
    for name in TYPED_PARAMS:
        if params.get(name) == "":
            raise InboxError(name, f"{name} may not be empty; leave it out instead")


def _day(params: Mapping[str, str], name: str) -> date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InboxError(name, f"{name} must be a date such as 2024-05-31") from None


def _flag(params: Mapping[str, str], name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise InboxError(name, f"{name} must be true or false")


def _limit(params: Mapping[str, str]) -> int:
    raw = params.get("limit", "").strip()
    if not raw:
        return DEFAULT_LIMIT
    limit = parse_whole(raw, 1, MAX_LIMIT)
    if limit is None:
        raise InboxError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return limit


def parse_inbox_query(
    params: Mapping[str, str], session: Session, site_ids: Sequence[int] | None
) -> InboxQuery:
    """The inbox request in `params`; raises InboxError (bad value) or NotVisible (site)."""
    for name, value in params.items():
        if len(value) > MAX_PARAM:
            raise InboxError(name, f"{name} is too long")
    status = params.get("status", "").strip()
    site_key = params.get("site", "").strip()
    after = params.get("after", "").strip()
    wanted = InboxFilter(
        site_id=visible_site_id(session, site_ids, site_key) if site_key else None,
        status=None if status in ("", "all") else status,
        lang=params.get("lang", "").strip(),
        url_prefix=params.get("url", "").strip(),
        since=_day(params, "since"),
        until=_day(params, "until"),
        search=params.get("q", "").strip(),
        still_on_page=_flag(params, "still_on_page"),
    )
    return InboxQuery(wanted, Cursor.decode(after) if after else None, _limit(params))
