"""The WordPress plugin against the session's real WordPress, a live Corrigo and Chromium.

The plugin is installed once per module from the zip `make wordpress-plugin` builds and
activated; every test sets the settings it needs, so that none depends on another's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.sites import find_site
from corrigo.store.tokens import create_token
from tests.browser.conftest import browser, new_context, playwright_instance  # noqa: F401
from tests.conftest import LiveServer, settings_for
from tests.connectors.wordpress_site import WordPress

ROOT = Path(__file__).resolve().parents[2]
SITE_KEY = "wpplugin0000site"
ELSEWHERE_KEY = "wpplugin00000else"
EDITOR = ("chief", "chief-password-0123456789")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """These tests drive Chromium: mark them as browser tests."""
    for item in items:
        if "tests/wordpress_plugin/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@dataclass
class Corrigo:
    """A live Corrigo with one site accepting the WordPress's origin, and an admin token."""

    server: LiveServer
    key: str
    admin_token: str

    @property
    def url(self) -> str:
        """Corrigo's address."""
        return self.server.url

    def token(self, *, read_only: bool) -> str:
        """A token limited to the site, read-only or not."""
        engine = make_engine(self.server.settings.resolved_database_url)
        with make_sessionmaker(engine)() as session:
            site = find_site(session, self.key)
            assert site is not None
            value = create_token(session, "wordpress", site_id=site.id, read_only=read_only)
            session.commit()
        engine.dispose()
        return value

    def env(self) -> dict[str, str]:
        """The environment the `corrigo` command needs to reach this server's store."""
        settings = self.server.settings
        return {
            "CORRIGO_DATABASE_URL": settings.resolved_database_url,
            "CORRIGO_DATA_DIR": str(settings.data_dir),
            "CORRIGO_SECRET_KEY": str(settings.secret_key),
        }


@pytest.fixture(scope="module")
def corrigo(
    wordpress: WordPress, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Corrigo]:
    """Corrigo on SQLite, with a site for this WordPress and one for another origin."""
    folder = tmp_path_factory.mktemp("corrigo-for-wordpress")
    shutil.copy(sqlite_template, folder / "corrigo.db")
    settings = settings_for(folder / "data", f"sqlite:///{folder / 'corrigo.db'}")
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "WordPress News", [wordpress.url], "en", public_key=SITE_KEY)
        create_site(
            session, "Elsewhere", ["https://elsewhere.example"], "en", public_key=ELSEWHERE_KEY
        )
        admin_token = create_token(session, "tests")
        session.commit()
    engine.dispose()
    server = LiveServer(settings)
    server.start()
    yield Corrigo(server, SITE_KEY, admin_token)
    server.stop()


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip, built by the script behind `make wordpress-plugin`."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "wordpress_plugin.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip())


@pytest.fixture(scope="module")
def installed(wordpress: WordPress, plugin_zip: Path) -> WordPress:
    """The plugin unpacked from its zip into WordPress's plugins folder, with an admin to
    sign in as (the session's WordPress keeps its own admin's password secret)."""
    shutil.rmtree(wordpress.plugin_dir / "corrigo", ignore_errors=True)
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(wordpress.plugin_dir)
    login, password = EDITOR
    wordpress.php(
        f"if (!username_exists('{login}')) {{ wp_insert_user(['user_login' => '{login}', "
        f"'user_pass' => '{password}', 'role' => 'administrator', "
        "'user_email' => 'chief@news.example']); }\n"
        "echo json_encode(true);"
    )
    return wordpress


def activate(wordpress: WordPress) -> None:
    """Activate the plugin (again, after an uninstall test)."""
    active = wordpress.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "$result = activate_plugin('corrigo/corrigo.php');\n"
        "echo json_encode(is_wp_error($result) ? $result->get_error_message() "
        ": is_plugin_active('corrigo/corrigo.php'));"
    )
    assert active is True, active


@pytest.fixture
def configure(installed: WordPress, corrigo: Corrigo) -> Callable[..., dict[str, Any]]:
    """Activate the plugin and store its settings (the defaults, pointed at Corrigo)."""

    def build(**changes: Any) -> dict[str, Any]:
        activate(installed)
        values = {
            "url": corrigo.url,
            "site_key": corrigo.key,
            "article": ".entry-content",
            "caption": True,
            "load_on": "posts",
            **changes,
        }
        installed.php(
            f"$values = json_decode({json.dumps(json.dumps(values))}, true);\n"
            "update_option('corrigo_settings', array_merge(get_option('corrigo_settings', []), "
            "$values));\n"
            "echo json_encode(true);"
        )
        return values

    return build


@pytest.fixture
def admin(
    installed: WordPress,
    new_context: Callable[..., BrowserContext],  # noqa: F811
) -> Page:
    """A Chromium page signed in to wp-admin as an administrator."""
    page = new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{installed.url}/wp-login.php")
    page.fill("#user_login", EDITOR[0])
    page.fill("#user_pass", EDITOR[1])
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")
    return page
