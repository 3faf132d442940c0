"""The demo news site and the demo site/editor that `corrigo demo` sets up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from corrigo.domain.url import origin_of
from corrigo.passwords import generate_password, hash_password
from corrigo.store.accounts import editor_by_email
from corrigo.store.admin import create_editor, create_site
from corrigo.store.connectors import ensure_connector
from corrigo.store.sites import find_site

DEMO_SITE_KEY = "demo"
# The demo's open misprints are checked on its pages every half minute, so that one
# corrected in an article (`corrigo demo-edit`) closes by itself within a minute.
DEMO_VERIFY_INTERVAL = 30
DEMO_EDITOR = "editor@demo.corrigo.example"


@dataclass(frozen=True)
class DemoAccount:
    """The demo site's key and the editor's sign-in."""

    site_key: str
    email: str
    password: str


def ensure_demo(session: Session, base_url: str) -> DemoAccount:
    """Create the demo site (with its demo connector) and its admin editor, or reuse them.

    The password is generated anew on every start because only its hash is kept.
    """
    origins = {origin_of(base_url), "http://127.0.0.1:8000", "http://localhost:8000"}
    site = find_site(session, DEMO_SITE_KEY)
    if site is None:
        site = create_site(
            session, "Corrigo Demo News", sorted(origins), "en", public_key=DEMO_SITE_KEY
        )
    elif not origins <= set(site.allowed_origins):
        site.allowed_origins = sorted(origins | set(site.allowed_origins))
    if site.verify_interval is None:
        site.verify_interval = DEMO_VERIFY_INTERVAL
    # The demo is its own small CMS: the dashboard's Apply writes into its articles.
    ensure_connector(session, site.id, "demo")
    password = generate_password()
    editor = editor_by_email(session, DEMO_EDITOR)
    if editor is None:
        create_editor(session, DEMO_EDITOR, password, role="admin")
    else:
        editor.password_hash = hash_password(password)
        editor.is_active = True
    return DemoAccount(site_key=site.public_key, email=DEMO_EDITOR, password=password)
