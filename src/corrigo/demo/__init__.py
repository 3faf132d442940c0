"""The demo news site and the demo site/editor that `corrigo demo` sets up."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from corrigo.domain.url import origin_of
from corrigo.passwords import generate_password, verify_password
from corrigo.store.accounts import editor_by_email
from corrigo.store.admin import create_editor, create_site
from corrigo.store.connectors import ensure_connector
from corrigo.store.demo_mailbox import ensure_demo_channel
from corrigo.store.sites import find_site

DEMO_SITE_KEY = "demo"
# The demo's open misprints are checked on its pages every half minute, so that one
# corrected in an article (`corrigo demo-edit`) closes by itself within a minute.
DEMO_VERIFY_INTERVAL = 30
DEMO_EDITOR = "editor@demo.corrigo.example"
# Where the demo keeps the editor's first password, so that a restart can print it again.
PASSWORD_FILE = "demo_password"  # noqa: S105  (a file name, not a password)
# The dashboard page that lists what the demo's mailbox channel received.
DEMO_MAILBOX_PATH = "/dashboard/demo/mailbox"


@dataclass(frozen=True)
class DemoAccount:
    """The demo site's key and the editor's sign-in.

    `password` is None when it is not known any more: it was changed since the demo
    created it (`corrigo user reset`), or the data folder lost the copy.
    """

    site_key: str
    email: str
    password: str | None


def ensure_demo(session: Session, base_url: str, data_dir: Path | None = None) -> DemoAccount:
    """Create the demo site (with its demo connector and mailbox channel) and its admin editor,
    or reuse them.

    The editor's password is generated once, when the editor is created, and kept in
    `data_dir` (owner-only) so that every later start prints it again without changing
    it: a second `corrigo demo` never locks a running demo's editor out.
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
    # Notifications with no outside server: e-mails to the editor, kept for the dashboard.
    ensure_demo_channel(session, site.id, DEMO_EDITOR)
    editor = editor_by_email(session, DEMO_EDITOR)
    if editor is None:
        generated = generate_password()
        create_editor(session, DEMO_EDITOR, generated, role="admin")
        if data_dir is not None:
            _remember(data_dir / PASSWORD_FILE, generated)
        password: str | None = generated
    else:
        password = _remembered(data_dir / PASSWORD_FILE) if data_dir is not None else None
        if password is not None and not verify_password(editor.password_hash, password):
            password = None
    return DemoAccount(site_key=site.public_key, email=DEMO_EDITOR, password=password)


def _remember(path: Path, password: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password + "\n")


def _remembered(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except OSError:
        return None
