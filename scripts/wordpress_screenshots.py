"""Screenshots of the WordPress plugin for the README: the settings page, a post with the caption.

Run from the repository: `make wordpress-screenshots` (or `uv run python
scripts/wordpress_screenshots.py`). It starts a throw-away Corrigo and a throw-away WordPress
the way the tests do (Debian's wordpress and php-cli, `make wordpress`, and the local MariaDB on
127.0.0.1:3306 as root), installs the plugin from the zip `make wordpress-plugin` builds, saves
its settings through the settings page, and writes docs/screenshots/wordpress-settings.png and
docs/screenshots/wordpress-post.png. Needs Chromium (`make browser`).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import uvicorn
from dashboard_screenshots import CHROMIUM, OUT, free_port
from playwright.sync_api import Page, expect, sync_playwright

from corrigo.config import load_settings
from corrigo.http.app import create_app
from corrigo.store.admin import create_site
from corrigo.store.db import make_engine, make_sessionmaker, upgrade
from wordpress_plugin import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.connectors.wordpress_site import WordPress, start_wordpress

SITE_KEY = "DailyNews0000key"
LOGIN, PASSWORD = "chief", "chief-password-for-screenshots"
ARTICLE = (
    "<p>The old bridge over the river reopened on Monday after two years of repairs, and the "
    "first trams crossed it before seven in the morning.</p>\n"
    "<p>City engineers said the new deck would carry twice the weight of the old one, and that "
    "the intergration of the tram and cycle lanes had been the hardest part of the work.</p>"
)


def main() -> int:
    """Make both screenshots; returns the exit status."""
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: run `make browser`", file=sys.stderr)
        return 1
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        wordpress = start_wordpress(Path(folder) / "wordpress")
        try:
            settings = load_settings(
                data_dir=Path(folder) / "corrigo", base_url=f"http://127.0.0.1:{port}"
            )
            upgrade(settings.resolved_database_url)
            engine = make_engine(settings.resolved_database_url)
            with make_sessionmaker(engine)() as session:
                create_site(session, "Daily News", [wordpress.url], "en", public_key=SITE_KEY)
                session.commit()
            engine.dispose()
            server = uvicorn.Server(
                uvicorn.Config(
                    create_app(settings), host="127.0.0.1", port=port, log_level="warning"
                )
            )
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            while not server.started:
                time.sleep(0.05)
            try:
                install(wordpress, Path(folder))
                shoot(wordpress, settings.base_url)
            finally:
                server.should_exit = True
                thread.join(timeout=15)
        finally:
            wordpress.stop()
    print(f"wrote {OUT / 'wordpress-settings.png'} and {OUT / 'wordpress-post.png'}")
    return 0


def install(wordpress: WordPress, folder: Path) -> None:
    """Unpack the plugin's zip, activate it, and add an administrator to sign in as."""
    with zipfile.ZipFile(build(folder / "dist")) as archive:
        archive.extractall(wordpress.plugin_dir)
    wordpress.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "activate_plugin('corrigo/corrigo.php');\n"
        f"wp_insert_user(['user_login' => '{LOGIN}', 'user_pass' => '{PASSWORD}', "
        "'role' => 'administrator', 'user_email' => 'chief@news.example']);\n"
        "echo json_encode(true);"
    )


def sign_in(page: Page, wordpress: WordPress) -> None:
    """Sign in to wp-admin."""
    page.goto(f"{wordpress.url}/wp-login.php")
    page.fill("#user_login", LOGIN)
    page.fill("#user_pass", PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")


def shoot(wordpress: WordPress, corrigo: str) -> None:
    """Save the settings through their page, photograph it, then a post with its caption."""
    OUT.mkdir(parents=True, exist_ok=True)
    post = wordpress.create("post", "bridge-reopens", ARTICLE)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        sign_in(page, wordpress)
        page.goto(f"{wordpress.url}/wp-admin/options-general.php?page=corrigo")
        page.fill("#corrigo-url", corrigo)
        page.fill("#corrigo-site-key", SITE_KEY)
        page.click("#submit")
        page.locator(".notice-success").first.wait_for()
        page.screenshot(path=str(OUT / "wordpress-settings.png"), full_page=True)
        reader = browser.new_context(viewport={"width": 900, "height": 700}).new_page()
        reader.goto(post["link"])
        caption = reader.locator("corrigo-caption")
        expect(caption).to_contain_text("If you have found a spelling error")
        # From the post's title to a little below the caption.
        title = reader.locator("h1").first.bounding_box()
        below = caption.bounding_box()
        assert title is not None and below is not None
        top = max(0, title["y"] - 24)
        clip = {"x": 0, "y": top, "width": 900, "height": below["y"] + below["height"] + 32 - top}
        reader.screenshot(path=str(OUT / "wordpress-post.png"), full_page=True, clip=clip)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
