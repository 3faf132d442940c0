"""Creating and listing sites and editors (used by the CLI, the demo and the dashboard)."""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrigo.domain.origins import normalize_origin
from corrigo.domain.report import BCP47
from corrigo.passwords import MIN_LENGTH, hash_password
from corrigo.store.errors import AdminError
from corrigo.store.models import ROLES, Editor, EditorSite, Site
from corrigo.store.sites import find_site, same_named_site, site_by_key


def check_lang(lang: str) -> str:
    """A valid BCP 47 tag, lower-cased; raises AdminError otherwise."""
    if not BCP47.match(lang):
        raise AdminError(f"{lang!r} is not a BCP 47 language tag such as 'en' or 'uk'")
    return lang.lower()


SITE_KEY_ALPHABET = string.ascii_letters + string.digits


def new_site_key() -> str:
    """A fresh random site key (95 bits) of letters and digits only.

    URL-safe base64 can begin with "-", which a command line then reads as an option
    (``corrigo site edit -fX…`` failed that way), so keys never hold "-" or "_".
    """
    return "".join(secrets.choice(SITE_KEY_ALPHABET) for _ in range(16))


def create_site(
    session: Session,
    name: str,
    origins: list[str],
    lang: str = "en",
    public_key: str | None = None,
    *,
    refuse_duplicate: bool = False,
) -> Site:
    """Add a site with a new random public key (or the given one).

    With `refuse_duplicate`, a site of the same name (ignoring case and spacing) that
    shares an origin with this one is taken for the same site, and refused.
    """
    name = name.strip()
    if not name:
        raise AdminError("a site needs a name")
    if not origins:
        raise AdminError("a site needs at least one allowed origin, e.g. https://news.example")
    try:
        allowed = sorted({normalize_origin(origin) for origin in origins})
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    if refuse_duplicate:
        same = same_named_site(session, name, allowed)
        if same is not None:
            raise AdminError(
                f"the site {same.name!r} ({same.public_key}) already has this name and origin; "
                "add --force to create another one"
            )
    key = public_key or new_site_key()
    if find_site(session, key) is not None:
        raise AdminError(f"a site with the key {key!r} exists already")
    site = Site(
        name=name,
        public_key=key,
        allowed_origins=allowed,
        default_lang=check_lang(lang),
        created_at=datetime.now(UTC),
    )
    session.add(site)
    session.flush()
    return site


def create_editor(
    session: Session,
    email: str,
    password: str,
    role: str = "editor",
    site_keys: list[str] | None = None,
    lang: str = "en",
) -> Editor:
    """Add an editor (role `admin` or `editor`) with access to the given sites."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise AdminError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AdminError("role must be 'admin' or 'editor'")
    if len(password) < MIN_LENGTH:
        raise AdminError(f"a password needs at least {MIN_LENGTH} characters")
    if session.execute(select(Editor.id).where(Editor.email == email)).first() is not None:
        raise AdminError(f"an editor with the address {email} exists already")
    sites = [site_by_key(session, key) for key in (site_keys or [])]
    editor = Editor(
        email=email,
        password_hash=hash_password(password),
        role=role,
        lang=check_lang(lang),
        is_active=True,
        created_at=datetime.now(UTC),
    )
    session.add(editor)
    session.flush()
    for site in sites:
        session.add(EditorSite(editor_id=editor.id, site_id=site.id))
    return editor
