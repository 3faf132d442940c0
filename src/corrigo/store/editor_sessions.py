"""Dashboard sessions: created at sign-in, looked up per request, ended at sign-out.

The cookie holds a random token; only its SHA-256 is stored, so a leaked
database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corrigo.store.db import affected
from corrigo.store.models import Editor, EditorSession, EditorSite

# A session ends after this long without a request.
IDLE_LIFETIME = timedelta(days=14)
# Sliding the expiry costs a write; doing it at most this often keeps reads cheap.
REFRESH_EVERY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Account:
    """The signed-in editor, as the dashboard needs it (no password hash).

    `id` is None only for an admin API token, which belongs to nobody.
    """

    id: int | None
    email: str
    role: str
    lang: str
    timezone: str = ""  # IANA name; empty until chosen

    @property
    def is_admin(self) -> bool:
        """Whether the editor sees and manages every site."""
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A live session: who, which sites, and its CSRF token."""

    account: Account
    site_ids: list[int] | None  # None: every site (admin)
    csrf_token: str


def hash_session_token(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def account_of(editor: Editor) -> Account:
    """The dashboard's view of an editor row."""
    return Account(
        id=editor.id,
        email=editor.email,
        role=editor.role,
        lang=editor.lang,
        timezone=editor.timezone,
    )


def visible_sites(session: Session, account: Account) -> list[int] | None:
    """Site ids the editor may see; None means every site (admin)."""
    if account.is_admin:
        return None
    return sorted(
        session.execute(
            select(EditorSite.site_id).where(EditorSite.editor_id == account.id)
        ).scalars()
    )


def start_session(session: Session, editor_id: int, now: datetime | None = None) -> str:
    """Open a session for the editor; returns the cookie token (shown only here)."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    session.add(
        EditorSession(
            token_hash=hash_session_token(token),
            editor_id=editor_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + IDLE_LIFETIME,
            last_seen_at=now,
        )
    )
    return token


def resume_session(
    session: Session, token: str, now: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie token, sliding its expiry; None if unknown or expired."""
    now = now or datetime.now(UTC)
    row = session.get(EditorSession, hash_session_token(token))
    if row is None:
        return None
    editor = session.get(Editor, row.editor_id)
    if row.expires_at <= now or editor is None or not editor.is_active:
        session.delete(row)
        return None
    if now - row.last_seen_at >= REFRESH_EVERY:
        row.last_seen_at = now
        row.expires_at = now + IDLE_LIFETIME
    account = account_of(editor)
    return ActiveSession(account, visible_sites(session, account), row.csrf_token)


def end_session(session: Session, token: str) -> None:
    """Forget a session (sign-out)."""
    session.execute(
        delete(EditorSession).where(EditorSession.token_hash == hash_session_token(token))
    )


def end_other_sessions(session: Session, editor_id: int, keep_token: str | None = None) -> None:
    """End an editor's sessions except the one in use (after a password change or reset)."""
    query = delete(EditorSession).where(EditorSession.editor_id == editor_id)
    if keep_token is not None:
        query = query.where(EditorSession.token_hash != hash_session_token(keep_token))
    session.execute(query)


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete expired sessions; returns how many."""
    result = session.execute(
        delete(EditorSession).where(EditorSession.expires_at <= (now or datetime.now(UTC)))
    )
    return affected(result)
