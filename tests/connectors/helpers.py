"""Reports of words in a real article text, as the widget would send them."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.testclient import TestClient

from corrigo.domain.quote import CONTEXT_CHARS


def quote_in(text: str, exact: str, occurrence: int = 0) -> dict[str, Any]:
    """The widget's quote of the `occurrence`-th `exact` in `text`, with 32 characters each side."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "exact": exact,
        "prefix": text[max(0, start - CONTEXT_CHARS) : start],
        "suffix": text[end : end + CONTEXT_CHARS],
    }


def report(
    client: TestClient, site: str, url: str, text: str, exact: str, origin: str, **fields: Any
) -> int:
    """Send a reader's report of `exact` (as it stands in the page `text`); its group id."""
    body = {
        "site": site,
        "url": url,
        "title": "Article",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "quote": quote_in(text, exact),
        **fields,
    }
    answer = client.post("/api/v1/reports", json=body, headers={"origin": origin})
    assert answer.status_code == 202, answer.text
    return int(answer.json()["group_id"])
