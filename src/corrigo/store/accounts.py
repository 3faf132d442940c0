"""Editors' own account operations: signing in, passwords, language, and admin edits."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from corrigo.passwords import (
    MIN_LENGTH,
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from corrigo.store.admin import check_lang
from corrigo.store.editor_sessions import end_other_sessions
from corrigo.store.errors import AdminError
from corrigo.store.models import ROLES, Editor, EditorSite, Site

# Verified against when the address is unknown, so a wrong address takes as long as a
# wrong password and timing does not reveal which accounts exist.
_DECOY_HASH = hash_password("decoy password that matches nothing")


class WrongPassword(AdminError):
    """The current password given to confirm a change is not the editor's."""


class WeakPassword(AdminError):
    """A new password breaks the length rule."""


def editor_by_email(session: Session, email: str) -> Editor | None:
    """The editor with this address (any case, surrounding spaces ignored), or None."""
    return session.execute(select(Editor).where(Editor.email == email.strip().lower())).scalar()


def editor_by_id(session: Session, editor_id: int) -> Editor | None:
    """The editor with this id, or None."""
    return session.get(Editor, editor_id)


def assigned_site_ids(session: Session, editor_id: int) -> set[int]:
    """The ids of the sites assigned to an editor."""
    query = select(EditorSite.site_id).where(EditorSite.editor_id == editor_id)
    return set(session.execute(query).scalars())


def check_credentials(session: Session, email: str, password: str) -> Editor | None:
    """The active editor with these credentials, or None; upgrades an outdated hash."""
    editor = editor_by_email(session, email)
    if editor is None:
        verify_password(_DECOY_HASH, password)
        return None
    if not verify_password(editor.password_hash, password) or not editor.is_active:
        return None
    if needs_rehash(editor.password_hash):
        editor.password_hash = hash_password(password)
    return editor


def _check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")


def change_password(
    session: Session, editor_id: int, current: str, new: str, keep_token: str | None
) -> None:
    """Replace the editor's password after checking the current one; ends their other sessions."""
    editor = session.get(Editor, editor_id)
    if editor is None or not verify_password(editor.password_hash, current):
        raise WrongPassword("the current password is wrong")
    _check_new_password(new)
    editor.password_hash = hash_password(new)
    end_other_sessions(session, editor_id, keep_token)


def reset_password(session: Session, email: str) -> str:
    """Give the editor a new random password (returned in clear) and end all their sessions."""
    editor = session.execute(select(Editor).where(Editor.email == email.strip().lower())).scalar()
    if editor is None:
        raise AdminError(f"no editor has the address {email.strip().lower()}")
    password = generate_password()
    editor.password_hash = hash_password(password)
    end_other_sessions(session, editor.id)
    return password


def set_language(session: Session, editor_id: int, lang: str, choices: dict[str, str]) -> None:
    """Set the language of an editor's dashboard (one of `choices`)."""
    if lang not in choices:
        raise AdminError("choose one of the offered languages")
    editor = session.get(Editor, editor_id)
    if editor is not None:
        editor.lang = check_lang(lang)


def set_timezone(session: Session, editor_id: int, zone: str, *, only_if_unset: bool) -> bool:
    """Set an editor's time zone (an IANA name); `only_if_unset` keeps a chosen one.

    Raises AdminError for a name the system's zone database does not know.
    Returns whether it changed.
    """
    if zone not in available_timezones():
        raise AdminError("choose a time zone such as Europe/Kyiv")
    editor = session.get(Editor, editor_id)
    if editor is None or (only_if_unset and editor.timezone):
        return False
    editor.timezone = zone
    return True


def list_editors(session: Session) -> list[tuple[Editor, list[str]]]:
    """Every editor with the names of the sites assigned to them, by address."""
    editors = session.execute(select(Editor).order_by(Editor.email)).scalars().all()
    names: dict[int, list[str]] = {}
    for editor_id, name in session.execute(
        select(EditorSite.editor_id, Site.name)
        .join(Site, Site.id == EditorSite.site_id)
        .order_by(Site.name)
    ):
        names.setdefault(editor_id, []).append(name)
    return [(editor, names.get(editor.id, [])) for editor in editors]


def update_editor(
    session: Session,
    editor_id: int,
    role: str,
    site_ids: list[int],
    active: bool,
    acting_editor_id: int | None,
) -> None:
    """Change an editor's role, sites and whether they may sign in.

    An admin cannot demote or lock out themselves, and the last active admin
    stays, so the service is never left without anyone to manage it.
    """
    editor = editor_by_id(session, editor_id)
    if editor is None:
        raise AdminError("no such editor")
    if role not in ROLES:
        raise AdminError("role must be 'admin' or 'editor'")
    losing_admin = editor.role == "admin" and (role != "admin" or not active)
    if losing_admin and editor_id == acting_editor_id:
        raise AdminError("you cannot remove your own admin rights or lock yourself out")
    if losing_admin:
        admins = session.execute(
            select(func.count()).where(Editor.role == "admin", Editor.is_active.is_(True))
        ).scalar_one()
        if admins <= 1:
            raise AdminError("the last active admin must stay")
    known = set(session.execute(select(Site.id).where(Site.id.in_(site_ids))).scalars())
    if known != set(site_ids):
        raise AdminError("no such site")
    editor.role = role
    editor.is_active = active
    session.execute(delete(EditorSite).where(EditorSite.editor_id == editor_id))
    for site_id in sorted(known):
        session.add(EditorSite(editor_id=editor_id, site_id=site_id))
    if not active:
        end_other_sessions(session, editor_id)
