"""Building report bodies and reading the store in API tests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.db import make_engine
from corrigo.store.models import ErrorGroup, OutboxEvent, Report
from tests.conftest import NEWS_KEY, NEWS_ORIGIN

ARTICLE = (
    "Officials said on Monday that they plan to implement intergration into the core "
    "system before the winter, adding that the the budget had been approved."
)
URL = f"{NEWS_ORIGIN}/2026/11/27/budget"


def quote_of(exact: str, text: str = ARTICLE, occurrence: int = 0) -> dict[str, Any]:
    """The quote and position a widget would send for `exact` in `text`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "quote": {
            "exact": exact,
            "prefix": text[max(0, start - 32) : start],
            "suffix": text[end : end + 32],
        },
        "position": {"start": start, "end": end},
    }


def report(exact: str = "intergration", **fields: Any) -> dict[str, Any]:
    """A valid report body for the news site, with overrides."""
    body: dict[str, Any] = {
        "site": NEWS_KEY,
        "url": URL,
        "title": "Budget approved",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "widget_version": "1",
        **quote_of(exact),
    }
    body.update(fields)
    return body


def post(client: TestClient, body: Any, origin: str | None = NEWS_ORIGIN, **kwargs: Any) -> Any:
    """POST a report as a browser on `origin` would."""
    headers = dict(kwargs.pop("headers", {}))
    if origin is not None:
        headers["origin"] = origin
    if isinstance(body, (bytes, str)):
        return client.post("/api/v1/reports", content=body, headers=headers, **kwargs)
    return client.post("/api/v1/reports", json=body, headers=headers, **kwargs)


def count(settings: Settings, model: type) -> int:
    """Rows in a table."""
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        value = conn.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return int(value)


def rows(settings: Settings, model: type) -> list[Any]:
    """All rows of a table, by id."""
    engine = make_engine(settings.resolved_database_url)
    with engine.connect() as conn:
        result = conn.execute(select(model.__table__).order_by(model.__table__.c.id)).all()
    engine.dispose()
    return list(result)


__all__ = [
    "URL",
    "ErrorGroup",
    "OutboxEvent",
    "Report",
    "count",
    "post",
    "quote_of",
    "report",
    "rows",
]
