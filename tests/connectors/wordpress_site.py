"""A real WordPress for the tests: Debian's package, PHP's built-in server, the local MariaDB.

Set up once per test session: a database of its own, a Debian host config named
by the router (``WORDPRESS_CONFIG``), a headless install through ``wp_install``,
an admin with an application password, and ``php -S`` serving it on loopback
with ``WP_ENVIRONMENT_TYPE=local`` (application passwords over plain http).
Anything missing or failing raises :class:`WordPressUnavailable` with the reason.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pymysql

WORDPRESS = Path("/usr/share/wordpress")
CONFIG_DIR = Path("/etc/wordpress")
PHP = "/usr/bin/php"
ADMIN = "wpadmin"
START_TIMEOUT = 30.0


class WordPressUnavailable(Exception):
    """WordPress cannot be set up here; the message says what is missing."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class WordPress:
    """A running WordPress: its address, admin user and application password."""

    url: str
    name: str
    folder: Path
    app_password: str
    process: subprocess.Popen[bytes]

    @property
    def plugin_dir(self) -> Path:
        """This WordPress's own plugins folder (WP_PLUGIN_DIR), apart from Debian's."""
        return self.folder / "plugins"

    def php(self, code: str, *, installing: bool = False) -> Any:
        """Run PHP with WordPress loaded (as the admin); what the code `echo`s, as JSON."""
        script = self.folder / f"run-{uuid.uuid4().hex}.php"
        script.write_text(
            "<?php\n"
            f"$_SERVER['WORDPRESS_CONFIG'] = '{self.name}';\n"
            f"$_SERVER['HTTP_HOST'] = '{self.url.split('//')[1]}';\n"
            + ("define('WP_INSTALLING', true);\n" if installing else "")
            + f"require '{WORDPRESS}/wp-load.php';\n"
            "wp_set_current_user(1);\n"
            f"{code}\n"
        )
        done = subprocess.run(
            [PHP, str(script)], capture_output=True, text=True, timeout=60, check=False
        )
        script.unlink()
        try:
            if done.returncode == 0:
                return json.loads(done.stdout) if done.stdout.strip() else None
        except json.JSONDecodeError:
            pass  # PHP's warnings or errors went to standard output
        raise WordPressUnavailable(f"PHP failed: {done.stdout[-500:]} {done.stderr[-500:]}")

    def create(self, kind: str, slug: str, content: str) -> dict[str, Any]:
        """A published post or page with exactly this content; its id and link."""
        data = json.dumps(
            {
                "post_type": kind,
                "post_status": "publish",
                "post_name": slug,
                "post_title": slug.replace("-", " ").title(),
                "post_content": content,
            }
        )
        return self.php(
            "kses_remove_filters();\n"
            f"$id = wp_insert_post(wp_slash(json_decode({json.dumps(data)}, true)), true);\n"
            "if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message()); exit(1); }\n"
            # As the editor does on publishing: the first text is kept as a revision.
            "wp_save_post_revision($id);\n"
            "echo json_encode(['id' => $id, 'link' => get_permalink($id)]);"
        )

    def rest(self, route: str, **params: str) -> Any:
        """A REST call as the admin, for checking what WordPress holds."""
        answer = httpx.get(
            self.url + "/",
            params={"rest_route": route, **params},
            auth=(ADMIN, self.app_password),
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()

    def stop(self) -> None:
        """Stop the server, drop the database and remove the host config."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        (CONFIG_DIR / f"config-{self.name}.php").unlink(missing_ok=True)
        with _mariadb() as conn, conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.name}`")
        shutil.rmtree(self.folder, ignore_errors=True)


def _mariadb() -> pymysql.connections.Connection[Any]:
    try:
        return pymysql.connect(
            host="127.0.0.1", port=3306, user="root", password="", autocommit=True
        )
    except pymysql.MySQLError as error:
        raise WordPressUnavailable(
            f"MariaDB is needed on 127.0.0.1:3306 as root without a password "
            f"(.ci/run starts it): {error}"
        ) from None


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise WordPressUnavailable(f"php -S exited with {process.returncode}")
        try:
            answer = httpx.get(url + "/", params={"rest_route": "/"}, timeout=5)
            if answer.status_code == 200:
                return
            last = f"HTTP {answer.status_code}: {answer.text[:300]}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.1)
    raise WordPressUnavailable(f"WordPress did not answer within {START_TIMEOUT} s: {last}")


def start_wordpress(folder: Path) -> WordPress:
    """Install and serve a fresh WordPress; raises WordPressUnavailable with the reason."""
    for needed in (WORDPRESS / "wp-settings.php", Path(PHP)):
        if not needed.exists():
            raise WordPressUnavailable(
                f"{needed} is missing: install Debian's wordpress, php-cli and php-mysql "
                "(make test does it as root)"
            )
    if not CONFIG_DIR.is_dir():
        raise WordPressUnavailable(f"{CONFIG_DIR} is missing (Debian's wordpress package)")
    name = f"corrigo-wp-{uuid.uuid4().hex[:10]}"
    with _mariadb() as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    (folder / "plugins").mkdir(parents=True, exist_ok=True)
    (CONFIG_DIR / f"config-{name}.php").write_text(
        "<?php\n"
        f"define('DB_NAME', '{name}');\n"
        "define('DB_USER', 'root');\n"
        "define('DB_PASSWORD', '');\n"
        "define('DB_HOST', '127.0.0.1:3306');\n"
        f"define('WP_HOME', '{url}');\n"
        f"define('WP_SITEURL', '{url}');\n"
        "define('WP_ENVIRONMENT_TYPE', 'local');\n"
        f"define('WP_CONTENT_DIR', '{WORDPRESS}/wp-content');\n"
        f"define('WP_PLUGIN_DIR', '{folder / 'plugins'}');\n"
        "define('DISABLE_WP_CRON', true);\n"
        "define('AUTOMATIC_UPDATER_DISABLED', true);\n"
        "define('WP_HTTP_BLOCK_EXTERNAL', true);\n"
    )
    router = folder / "router.php"
    router.write_text(
        "<?php\n"
        f"$_SERVER['WORDPRESS_CONFIG'] = '{name}';\n"
        "$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);\n"
        f"$file = '{WORDPRESS}' . $path;\n"
        # wp-admin/ and other folders: their index.php.
        "if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {\n"
        "  $path = rtrim($path, '/') . '/index.php'; $file = rtrim($file, '/') . '/index.php';\n"
        "}\n"
        "if ($path !== '/' && is_file($file)) {\n"
        "  if (substr($file, -4) !== '.php') { return false; }\n"
        # wp-login.php and the admin's scripts run themselves, as under Apache.
        "  $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;\n"
        "  $_SERVER['SCRIPT_FILENAME'] = $file;\n"
        "  chdir(dirname($file));\n"
        "  require $file;\n"
        "  return;\n"
        "}\n"
        f"require '{WORDPRESS}/index.php';\n"
    )
    process = subprocess.Popen(
        [PHP, "-S", f"127.0.0.1:{port}", "-t", str(WORDPRESS), str(router)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    site = WordPress(url, name, folder, "", process)
    try:
        site.app_password = site.php(
            "require_once ABSPATH . 'wp-admin/includes/upgrade.php';\n"
            f"wp_install('Corrigo Test News', '{ADMIN}', 'wp@news.example', true, '', "
            "wp_generate_password(24));\n"
            "global $wp_rewrite;\n"
            "$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%postname%/');\n"
            "flush_rewrite_rules();\n"
            "[$password] = WP_Application_Passwords::create_new_application_password("
            "1, ['name' => 'corrigo']);\n"
            "echo json_encode($password);",
            installing=True,
        )
        if not isinstance(site.app_password, str) or len(site.app_password) < 20:
            raise WordPressUnavailable(
                f"the install gave no application password: {site.app_password!r}"
            )
        _wait_for(url, process)
    except BaseException:
        site.stop()
        raise
    return site
