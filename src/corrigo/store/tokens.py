"""API tokens: created once, shown once, stored only as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrigo.store.models import ApiToken, Editor

TOKEN_PREFIX = "cgo_"  # noqa: S105 - a marker, not a secret


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    name: str,
    editor_id: int | None = None,
    *,
    site_id: int | None = None,
    read_only: bool = False,
) -> str:
    """Create a token and return it in clear.

    It acts for an editor (or, without one, as an admin), limited to one site when
    `site_id` is given and to reading (the API's GET calls) when `read_only`.
    """
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            token_hash=hash_token(token),
            name=name,
            editor_id=editor_id,
            created_at=datetime.now(UTC),
            site_id=site_id,
            read_only=read_only,
        )
    )
    return token


def token_owner(session: Session, token: str) -> tuple[ApiToken, Editor | None] | None:
    """The token row and its editor (None for an admin token), or None if unknown."""
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar()
    if row is None:
        return None
    editor = session.get(Editor, row.editor_id) if row.editor_id is not None else None
    if row.editor_id is not None and (editor is None or not editor.is_active):
        return None
    return row, editor
