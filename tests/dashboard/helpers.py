"""Building a newsroom (sites, editors, reports) and signing in, for dashboard tests."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.store.admin import create_editor, create_site
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import Delivery, OutboxEvent

PASSWORD = "correct horse battery"
SITES = {
    "news": ("Daily News", "https://news.example"),
    "sport": ("Sport Weekly", "https://sport.example"),
}
ARTICLE = (
    "Officials said on Monday that they plan to implement intergration into the core "
    "system before the winter, adding that the the budget had been approved by the counsil."
)


@dataclass
class Newsroom:
    """Two sites, an admin, one editor per site; `groups[site]` lists ingested group ids."""

    admin: str = "admin@corrigo.example"
    editors: dict[str, str] = field(
        default_factory=lambda: {"news": "news@corrigo.example", "sport": "sport@corrigo.example"}
    )
    groups: dict[str, list[int]] = field(default_factory=lambda: {"news": [], "sport": []})


def setup_newsroom(settings: Settings) -> Newsroom:
    """Create the sites and accounts of a :class:`Newsroom` in the store."""
    room = Newsroom()
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        for key, (name, origin) in SITES.items():
            create_site(session, name, [origin], "en", public_key=key)
        create_editor(session, room.admin, PASSWORD, role="admin")
        for key, email in room.editors.items():
            create_editor(session, email, PASSWORD, site_keys=[key], lang="en")
        session.commit()
    engine.dispose()
    return room


def report_body(site: str, exact: str, path: str = "/2024/budget", **fields: Any) -> dict[str, Any]:
    """A widget's report of `exact` (found in ARTICLE, or given context) on a site's page."""
    start = ARTICLE.find(exact)
    quote: dict[str, Any]
    if start >= 0:
        end = start + len(exact)
        quote = {
            "quote": {
                "exact": exact,
                "prefix": ARTICLE[max(0, start - 32) : start],
                "suffix": ARTICLE[end : end + 32],
            },
            "position": {"start": start, "end": end},
        }
    else:
        quote = {"quote": {"exact": exact, "prefix": "", "suffix": ""}}
    body: dict[str, Any] = {
        "site": site,
        "url": SITES[site][1] + path,
        "title": "Budget approved",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        **quote,
    }
    body.update(fields)
    return body


def ingest(client: TestClient, site: str, exact: str, **fields: Any) -> int:
    """Send a report through the ingest API; returns its group id."""
    body = report_body(site, exact, **fields)
    answer = client.post("/api/v1/reports", json=body, headers={"origin": SITES[site][1]})
    assert answer.status_code == 202, answer.text
    return int(answer.json()["group_id"])


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    client.get("/dashboard/sign-in")
    answer = client.post(
        "/dashboard/sign-in",
        data={
            "email": email,
            "password": password,
            "csrf_token": client.cookies.get("corrigo_signin") or "",
            "next": "/dashboard/",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client)


def csrf_of(client: TestClient) -> str:
    """The CSRF token printed in the signed-in account page."""
    page = client.get("/dashboard/account")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert found, page.text
    return found.group(1)


def failed_delivery(
    settings: Settings, site: str, group_id: int, target: str, error: str
) -> tuple[int, int]:
    """An e-mail channel of `site` and a delivery to it that failed; returns both ids."""
    engine = make_engine(settings.resolved_database_url)
    now = datetime.now(UTC)
    with make_sessionmaker(engine)() as session:
        channel = create_channel(session, site, "email", target)
        outbox = OutboxEvent(
            event_id=str(uuid.uuid4()),
            event_type="group.opened",
            site_id=channel.site_id,
            group_id=group_id,
            payload={},
            created_at=now,
            processed_at=now,  # routed already: a running notifier leaves it alone
        )
        session.add(outbox)
        session.flush()
        delivery = Delivery(
            outbox_id=outbox.id,
            channel_id=channel.id,
            status="failed",
            attempts=10,
            next_attempt_at=now,
            last_error=error,
            created_at=now,
        )
        session.add(delivery)
        session.commit()
        ids = channel.id, delivery.id
    engine.dispose()
    return ids
