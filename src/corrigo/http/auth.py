"""Who is asking: the signed-in editor (session cookie) or an API token's owner.

Both the dashboard and the JSON API build on this. Everything an editor may
see is then limited by ``ctx.site_ids`` (None means every site: admin).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from corrigo.config import Settings
from corrigo.http.state import state_of
from corrigo.store.editor_sessions import Account, account_of, resume_session, visible_sites
from corrigo.store.tokens import token_owner

# An admin API token belongs to no editor; it acts with admin rights under this name.
TOKEN_ACCOUNT = Account(id=None, email="", role="admin", lang="en")


@dataclass(frozen=True, slots=True)
class EditorContext:
    """The editor behind a request and what they may see."""

    editor: Account
    site_ids: list[int] | None  # None: every site (admin)
    csrf_token: str | None  # None when authenticated by an API token (no cookie, no CSRF)
    read_only: bool = False  # a read-only API token: GET calls only

    @property
    def is_admin(self) -> bool:
        """Whether the editor sees and manages every site."""
        return self.site_ids is None

    def can_see(self, site_id: int) -> bool:
        """Whether something of this site may be shown to the editor."""
        return self.site_ids is None or site_id in self.site_ids


def session_cookie_name(settings: Settings) -> str:
    """The session cookie's name; the ``__Host-`` prefix pins it to this host over https."""
    return "__Host-corrigo_session" if settings.is_https else "corrigo_session"


async def current_editor(request: Request) -> EditorContext | None:
    """The editor signed in with this request's session cookie, or None."""
    if hasattr(request.state, "editor_context"):
        cached: EditorContext | None = request.state.editor_context
        return cached
    state = state_of(request)
    token = request.cookies.get(session_cookie_name(state.settings))
    ctx = None
    if token:

        def load() -> EditorContext | None:
            with state.sessions() as session:
                active = resume_session(session, token)
                session.commit()
            if active is None:
                return None
            return EditorContext(active.account, active.site_ids, active.csrf_token)

        ctx = await run_in_threadpool(load)
    request.state.editor_context = ctx
    return ctx


def token_context(request: Request, token: str) -> EditorContext | None:
    """The context of an API token (blocking: call in a thread), or None if unknown."""
    with state_of(request).sessions() as session:
        owner = token_owner(session, token)
        if owner is None:
            return None
        row, editor = owner
        if editor is None:
            account, site_ids = TOKEN_ACCOUNT, None
        else:
            account = account_of(editor)
            site_ids = visible_sites(session, account)
        if row.site_id is not None:
            # A token limited to one site sees it only if its owner does.
            site_ids = [row.site_id] if site_ids is None or row.site_id in site_ids else []
        return EditorContext(account, site_ids, None, row.read_only)
