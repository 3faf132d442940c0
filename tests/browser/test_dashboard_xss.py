"""Hostile report text sent through the ingest API runs nowhere in the dashboard."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, expect

from tests.browser.dashboard_helpers import send_report, sign_in
from tests.conftest import LiveServer

# Each payload, if it ran, would set a window flag or open a dialog.
PAYLOADS = [
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss='img';alert(1)\">",
    '"><svg onload="window.__xss=\'svg\'">',
    "'><iframe srcdoc=\"<script>parent.__xss='iframe'</script>\">",
    "javascript:alert(document.domain)",
    '<a href="javascript:window.__xss=1">click</a>',
    "{{7*7}} ${7*7} <style>body{display:none}</style>",
    "</textarea><script>alert('textarea')</script>",
    "<details open ontoggle=\"window.__xss='details'\">",
]


def test_payloads_are_shown_as_text_and_never_run(
    new_context: Callable[..., BrowserContext], demo_server: LiveServer
) -> None:
    group_ids = []
    for n, payload in enumerate(PAYLOADS):
        group_ids.append(
            send_report(
                demo_server,
                f"{payload} {n}",
                comment=payload,
                suggestion=payload[:250],
                title=payload,
                author=payload[:190],
                url=f"{demo_server.url}/demo/bridge-reopens?x={n}",
            )
        )
    context = new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    dialogs: list[str] = []
    violations: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    sign_in(page, demo_server)
    visits = ["/dashboard/", *(f"/dashboard/groups/{group_id}" for group_id in group_ids)]
    visits.append("/dashboard/?q=" + "%3Cscript%3E")
    for path in visits:
        page.goto(demo_server.url + path)
        page.mouse.move(200, 300)
        page.keyboard.press("j")
        page.wait_for_timeout(50)
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("script:not([src])").count() == 0, path
        # The one <details> is the inbox's own Filters box.
        injected = "iframe, svg, img, details:not(#filters-box), style:not([nonce])"
        assert page.locator(injected).count() == 0, path
    # The words are there, as text.
    page.goto(f"{demo_server.url}/dashboard/groups/{group_ids[1]}")
    expect(page.locator("#quote mark")).to_have_text(PAYLOADS[1] + " 1")
    expect(page.locator(".comment").first).to_have_text(PAYLOADS[1])
    assert dialogs == []
    # Nothing even tried to run (a blocked inline script would be reported here).
    assert violations == []
