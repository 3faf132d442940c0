"""The demo's mailbox page: the e-mails the demo's notifications became (`corrigo demo` only).

Each message is read back from the bytes the e-mail channel would have sent, so the
page shows what an editor's mail program would: subject, recipient, time, text. The
text is built from what readers sent; the template only ever autoescapes it.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.demo import DEMO_MAILBOX_PATH
from corrigo.http.dashboard.auth import render, require_editor
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.store.demo_mailbox import MailboxEntry, mailbox


@dataclass(frozen=True, slots=True)
class Letter:
    """One kept message as the page shows it."""

    id: int
    subject: str
    recipient: str
    received_at: datetime
    site_name: str
    text: str


def letter(entry: MailboxEntry) -> Letter:
    """Parse a kept message (multipart/alternative, text first) for the page."""
    # The modern policy makes EmailMessage objects.
    message = email.message_from_bytes(entry.message, policy=email.policy.default)
    body = message.get_body(("plain",))
    return Letter(
        id=entry.id,
        subject=str(message["Subject"] or ""),
        recipient=str(message["To"] or entry.recipient),
        received_at=entry.received_at,
        site_name=entry.site_name,
        text=str(body.get_content()) if body is not None else "",
    )


async def mailbox_page(request: Request) -> Response:
    """The newest kept messages of the editor's sites; no such page outside the demo."""
    if not state_of(request).settings.demo_mode:
        raise HTTPException(404)
    ctx = await require_editor(request)
    entries = await in_session(request, lambda session: mailbox(session, ctx.site_ids))
    return render(request, "demo_mailbox.html", {"letters": [letter(e) for e in entries]})


routes = [Route(DEMO_MAILBOX_PATH, mailbox_page, methods=["GET"])]
