"""The WordPress plugin on a real WordPress: settings checked with a live Corrigo, the embed
and its caption, a reader's report from Chromium, no script where none belongs, connecting
the corrections and applying one, the dashboard widget, the switch from Mistape, uninstall.
"""

from __future__ import annotations

import re
import shlex
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pymysql
import pytest
from click.testing import CliRunner
from playwright.sync_api import Page, expect

from corrigo.cli import main
from corrigo.domain.article import article_texts
from tests.browser.widget_support import dialog, open_dialog, select, wait_for_reports
from tests.connectors.helpers import quote_in
from tests.connectors.wordpress_site import WordPress
from tests.importers.mistape_table import DDL
from tests.wordpress_plugin.conftest import ELSEWHERE_KEY, Corrigo

WIDGET = re.compile(r"<script[^>]*widget\.js[^>]*>")
SETTINGS = "/wp-admin/options-general.php?page=corrigo"


def fetch(url: str, **params: str) -> str:
    answer = httpx.get(url, params=params, timeout=30)
    answer.raise_for_status()
    return answer.text


def save_settings(admin: Page, wordpress: WordPress, **fields: str) -> str:
    """Fill the settings form, save, and return the notices WordPress shows."""
    admin.goto(wordpress.url + SETTINGS)
    for name, value in fields.items():
        admin.fill(f"[name='corrigo_settings[{name}]']", value)
    with admin.expect_navigation():
        admin.click("#submit")
    return " ".join(admin.locator(".notice, .settings-error").all_inner_texts())


def test_settings_ask_corrigo_about_the_key_and_this_origin(
    installed: WordPress,
    corrigo: Corrigo,
    configure: Callable[..., dict[str, Any]],
    admin: Page,
) -> None:
    configure(url="", site_key="")
    said = save_settings(admin, installed, url=corrigo.url, site_key="nosuchkey0000000")
    assert "does not know the site key nosuchkey0000000" in said
    said = save_settings(admin, installed, site_key=ELSEWHERE_KEY)
    assert f"does not accept reports from {installed.url}" in said
    said = save_settings(admin, installed, site_key=corrigo.key, article=".entry-content")
    assert f"Corrigo knows this site key and accepts reports from {installed.url}" in said
    stored = installed.php("echo json_encode(get_option('corrigo_settings'));")
    assert stored["url"] == corrigo.url and stored["site_key"] == corrigo.key
    assert stored["article"] == ".entry-content" and stored["caption"] is True
    # The admin pages never carry the widget.
    assert not WIDGET.search(admin.content())


def test_one_deferred_tag_and_the_caption_on_posts_only(
    installed: WordPress, corrigo: Corrigo, configure: Callable[..., dict[str, Any]]
) -> None:
    configure(load_on="posts")
    post = installed.create("post", "plugin-embed", "<p>The tram returns to the bridge.</p>")
    page = installed.create("page", "plugin-about", "<p>About the newsroom.</p>")
    html = fetch(post["link"])
    tags = WIDGET.findall(html)
    assert tags == [
        f'<script src="{corrigo.url}/widget.js" data-site="{corrigo.key}" '
        'data-article=".entry-content" data-lang="en-US" defer>'
    ]
    assert html.count("<corrigo-caption></corrigo-caption>") == 1
    assert re.search(r"to the bridge\.</p>\s*<corrigo-caption>", html)
    assert not WIDGET.search(fetch(page["link"]))
    # Never in feeds, REST answers or lists of posts.
    assert "widget.js" not in fetch(installed.url + "/", feed="rss2")
    assert "widget.js" not in fetch(post["link"] + "feed/")
    rest = fetch(installed.url + "/", rest_route=f"/wp/v2/posts/{post['id']}")
    assert "widget.js" not in rest and "corrigo-caption" not in rest
    assert not WIDGET.search(fetch(installed.url + "/"))

    configure(load_on="both", caption=False)
    html = fetch(page["link"])
    assert 'data-caption="off" defer>' in WIDGET.findall(html)[0]
    assert "corrigo-caption" not in html

    # A developer's filter turns it off for one page.
    (installed.plugin_dir / "no-widget-on-about.php").write_text(
        "<?php\n/**\n * Plugin Name: No widget on About\n */\n"
        "add_filter( 'corrigo_load_widget', function ( $load, $post ) {\n"
        "\treturn $load && ! ( $post && 'plugin-about' === $post->post_name );\n"
        "}, 10, 2 );\n"
    )
    switch = (
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "echo json_encode({}('no-widget-on-about.php'));"
    )
    installed.php(switch.format("activate_plugin"))
    try:
        assert not WIDGET.search(fetch(page["link"]))
        assert WIDGET.search(fetch(post["link"]))
    finally:
        installed.php(switch.format("deactivate_plugins"))


def test_a_reader_reports_a_misprint_through_the_widget(
    installed: WordPress,
    corrigo: Corrigo,
    configure: Callable[..., dict[str, Any]],
    admin: Page,
) -> None:
    configure()
    post = installed.create(
        "post", "plugin-report", "<p>They plan to implement intergration into the core system.</p>"
    )
    page = admin.context.new_page()
    page.goto(post["link"])
    caption = page.locator("corrigo-caption")
    expect(caption).to_contain_text("If you have found a spelling error")
    assert caption.count() == 1
    select(page, "intergration", root=".entry-content")
    open_dialog(page)
    expect(dialog(page).locator("mark")).to_have_text("intergration")
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_contain_text("Thank you")
    reports = wait_for_reports(corrigo.server, 1)
    assert len(reports) == 1
    assert reports[0].url == post["link"] and reports[0].exact == "intergration"


def reader_report(corrigo: Corrigo, wordpress: WordPress, link: str, exact: str) -> int:
    """A reader's report of `exact` as it stands on the live page; its group id."""
    text = article_texts(fetch(link), ".entry-content")[0]
    answer = httpx.post(
        corrigo.url + "/api/v1/reports",
        json={
            "site": corrigo.key,
            "url": link,
            "title": "Article",
            "lang": "en",
            "client_id": uuid.uuid4().hex,
            "quote": quote_in(text, exact),
        },
        headers={"origin": wordpress.url},
        timeout=10,
    )
    assert answer.status_code == 202, answer.text
    return int(answer.json()["group_id"])


def test_connect_the_corrections_then_apply_one_from_corrigo(
    installed: WordPress,
    corrigo: Corrigo,
    configure: Callable[..., dict[str, Any]],
    admin: Page,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configure()
    admin.goto(installed.url + SETTINGS)
    with admin.expect_navigation():
        admin.click("#corrigo-connect")
    shown = admin.locator("#corrigo-new-password code")
    password, command = shown.nth(0).inner_text(), shown.nth(1).inner_text()
    assert command == (
        f"corrigo connector set {corrigo.key} --wordpress {installed.url} --user corrigo-connector"
    )
    # The command, run as shown on Corrigo's server, with the password pasted when asked.
    for name, value in corrigo.env().items():
        monkeypatch.setenv(name, value)
    done = CliRunner().invoke(main, shlex.split(command)[1:], input=password + "\n")
    assert done.exit_code == 0, done.output
    # Shown once: the next view of the page no longer has it.
    admin.reload()
    assert admin.locator("#corrigo-new-password").count() == 0
    assert password.replace(" ", "") not in admin.content().replace(" ", "")
    expect(admin.get_by_text("Connected: Corrigo has an application password")).to_be_visible()

    post = installed.create("post", "plugin-apply", "<p>The council approved the budjet.</p>")
    group = reader_report(corrigo, installed, post["link"], "budjet")
    bearer = {"authorization": f"Bearer {corrigo.admin_token}"}
    preview = httpx.post(
        f"{corrigo.url}/api/v1/groups/{group}/apply",
        json={"correction": "budget", "preview": True},
        headers=bearer,
        timeout=30,
    ).json()
    assert preview["status"] == "preview", preview
    applied = httpx.post(
        f"{corrigo.url}/api/v1/groups/{group}/apply",
        json={"correction": "budget", "preview": False, "base_version": preview["base_version"]},
        headers=bearer,
        timeout=30,
    ).json()
    assert applied["applied"] is True, applied
    content = installed.rest(f"/wp/v2/posts/{post['id']}", context="edit")["content"]["raw"]
    assert content == "<p>The council approved the budget.</p>"
    author = installed.php(
        f"$revisions = wp_get_post_revisions({post['id']});\n"
        "echo json_encode(get_userdata(reset($revisions)->post_author)->user_login);"
    )
    assert author == "corrigo-connector"


def test_the_dashboard_widget_lists_open_misprints_with_a_read_only_token(
    installed: WordPress,
    corrigo: Corrigo,
    configure: Callable[..., dict[str, Any]],
    admin: Page,
) -> None:
    configure(token="")
    post = installed.create("post", "plugin-widget", "<p>The bridge was recieved well.</p>")
    reader_report(corrigo, installed, post["link"], "recieved")
    said = save_settings(admin, installed, token=corrigo.token(read_only=False))
    assert "may change misprints" in said
    assert installed.php("echo json_encode(get_option('corrigo_settings')['token']);") == ""
    said = save_settings(admin, installed, token=corrigo.token(read_only=True))
    assert "may change misprints" not in said and "token" not in said.lower()
    admin.goto(installed.url + "/wp-admin/")
    box = admin.locator("#corrigo_open_misprints")
    expect(box).to_contain_text("Open misprints (Corrigo)")
    item = box.locator("li").filter(has_text="recieved")
    expect(item.locator("mark")).to_have_text("recieved")
    link = item.locator("a").first.get_attribute("href") or ""
    assert re.fullmatch(rf"{re.escape(corrigo.url)}/dashboard/groups/\d+", link)
    # The admin's dashboard loads nothing of the widget's.
    assert not WIDGET.search(admin.content())


def test_switch_from_mistape(
    installed: WordPress,
    corrigo: Corrigo,
    configure: Callable[..., dict[str, Any]],
    admin: Page,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    configure()
    post = installed.create("post", "plugin-mistape", "<p>Officials plan the intergration.</p>")
    rows = [
        (n, "2023-03-01 10:00:00", "intergration", "Officials plan the intergration.", post["link"])
        for n in range(1, 4)
    ]
    with (
        pymysql.connect(
            host="127.0.0.1", user="root", password="", database=installed.name, autocommit=True
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute("DROP TABLE IF EXISTS wp_mistape_reports")
        cursor.execute(DDL.format(table="wp_mistape_reports"))
        cursor.executemany(
            "INSERT INTO wp_mistape_reports (ID, reporter_IP, date, date_gmt, selection, "
            "selection_context, url, status) VALUES (%s, '203.0.113.9', %s, %s, %s, %s, %s, "
            "'pending')",
            [(n, when, when, word, context, url) for n, when, word, context, url in rows],
        )
    # Mistape itself, as far as WordPress's plugin list sees it.
    (installed.plugin_dir / "mistape").mkdir(exist_ok=True)
    (installed.plugin_dir / "mistape" / "mistape.php").write_text(
        "<?php\n/**\n * Plugin Name: Mistape\n * Text Domain: mistape\n */\n"
    )
    installed.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "echo json_encode(activate_plugin('mistape/mistape.php'));"
    )
    admin.goto(installed.url + SETTINGS)
    expect(admin.locator("#corrigo-mistape")).to_have_text("Switch from Mistape")
    expect(admin.locator("#corrigo-mistape + p")).to_contain_text("holds 3 reports")
    with admin.expect_download() as download:
        admin.click("#corrigo-mistape-csv")
    csv_file = tmp_path / "mistape_reports.csv"
    download.value.save_as(csv_file)
    assert "reporter_IP" not in csv_file.read_text() and "203.0.113.9" not in csv_file.read_text()
    command = admin.locator("code").filter(has_text="--csv").inner_text()
    assert command == f"corrigo import mistape --csv mistape_reports.csv --site {corrigo.key}"
    for name, value in corrigo.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, shlex.split(command)[1:])
    assert done.exit_code == 0, done.output
    assert "imported 3 reports" in done.output
    admin.click("#corrigo-mistape-deactivate")
    expect(admin.locator("#corrigo-mistape ~ p").last).to_have_text("Mistape is not active.")
    active = installed.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "echo json_encode(is_plugin_active('mistape/mistape.php'));"
    )
    assert active is False


def test_uninstall_leaves_no_option_and_revokes_the_password(
    installed: WordPress, configure: Callable[..., dict[str, Any]]
) -> None:
    configure()
    state = installed.php(
        "require_once ABSPATH . 'wp-admin/includes/plugin.php';\n"
        "require_once __DIR__ . '/plugins/corrigo/includes/connect.php';\n"
        "$password = corrigo_connect();\n"
        "$user = get_user_by('login', 'corrigo-connector');\n"
        "$before = count(WP_Application_Passwords::get_user_application_passwords($user->ID));\n"
        "set_transient('corrigo_open_misprints', [1], 60);\n"
        "deactivate_plugins('corrigo/corrigo.php');\n"
        "uninstall_plugin('corrigo/corrigo.php');\n"
        "global $wpdb;\n"
        '$left = $wpdb->get_col("SELECT option_name FROM $wpdb->options '
        "WHERE option_name LIKE '%corrigo%'\");\n"
        "echo json_encode(['password' => is_string($password), 'before' => $before, "
        "'after' => count(WP_Application_Passwords::get_user_application_passwords($user->ID)), "
        "'left' => $left]);"
    )
    assert state == {"password": True, "before": 1, "after": 0, "left": []}
