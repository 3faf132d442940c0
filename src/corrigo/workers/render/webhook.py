"""Webhooks: the JSON body of an event or a digest, and its HMAC-SHA256 signature.

The body carries reader text as JSON strings (escaping for the receiver's own
output is the receiver's job); the signature lets the receiver prove the body
came from this server, and the signed timestamp lets it refuse replays.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import msgspec

from corrigo.workers.notice import Digest, Notice

SIGNATURE_HEADER = "X-Corrigo-Signature"
TIMESTAMP_HEADER = "X-Corrigo-Timestamp"
EVENT_ID_HEADER = "X-Corrigo-Event-Id"
EVENT_TYPE_HEADER = "X-Corrigo-Event"
DIGEST_EVENT = "digest"


def _misprint(notice: Notice) -> dict[str, Any]:
    return {
        "group": {
            "id": notice.group_id,
            "status": notice.group_status,
            "url": notice.url,
            "title": notice.title,
            "author": notice.author,
            "quote": {"exact": notice.exact, "prefix": notice.prefix, "suffix": notice.suffix},
            "report_count": notice.report_count,
            "dashboard_url": notice.dashboard_url,
            "fragment_url": notice.fragment_url,
        },
        "report": {
            "comment": notice.comment,
            "suggestion": notice.suggestion,
            "created_at": notice.occurred_at.isoformat(),
        },
        "proposal": notice.proposal.as_json() if notice.proposal else None,
    }


def notice_body(notice: Notice) -> bytes:
    """The JSON body for one event; ``id`` is the same on every retry, for de-duplication."""
    return msgspec.json.encode(
        {
            "id": notice.event_id,
            "type": notice.event_type,
            "created_at": notice.occurred_at.isoformat(),
            "site": {"key": notice.site_key, "name": notice.site_name},
            **_misprint(notice),
        }
    )


def digest_body(digest: Digest) -> bytes:
    """The JSON body for a digest: pages, each with its misprints."""
    return msgspec.json.encode(
        {
            "id": digest.digest_id,
            "type": DIGEST_EVENT,
            "day": digest.day.isoformat(),
            "site": {"key": digest.site_key, "name": digest.site_name},
            "dashboard_url": digest.dashboard_url,
            "pages": [
                {
                    "url": page.url,
                    "title": page.title,
                    "misprints": [_misprint(notice) for notice in page.notices],
                }
                for page in digest.pages
            ],
        }
    )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"{timestamp}." + body`` under `secret`."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, sent: str, now: float, tolerance: int) -> bool:
    """A receiver's check: the signature matches and the timestamp is within `tolerance` s.

    Kept here so the README's recipe and the tests use the same rule.
    """
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(timestamp), body), sent)


def headers(
    event_id: str, event_type: str, secret: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The headers that go with a body: content type, id, type, timestamp, signature."""
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
