"""Isolation: hostile host CSS, a strict CSP on another origin, and no CSS leaking out."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.widget_support import (
    PAGES,
    open_dialog,
    select,
    serve_pages,
    wait_for_reports,
)
from tests.conftest import LiveServer

THANKS = "Thank you! Your report has reached the editors."
ACCENT = "rgb(29, 78, 216)"


def _style(page: Page, selector: str, *properties: str) -> dict[str, str]:
    """Computed style of the first match of `selector` inside the dialog's shadow root."""
    return dict(
        page.evaluate(
            """([selector, properties]) => {
              const root = document.querySelector('corrigo-dialog').shadowRoot;
              const el = root.querySelector(selector);
              const style = getComputedStyle(el);
              return properties.map((name) => [name, style.getPropertyValue(name)]);
            }""",
            [selector, list(properties)],
        )
    )


def test_hostile_css_and_a_topmost_overlay_do_not_break_the_dialog(
    page: Page, demo_server: LiveServer
) -> None:
    with serve_pages(demo_server, "hostile-site") as pages:
        page.goto(pages.url("hostile.html"))
        select(page, "recieve", root="article")
        found = open_dialog(page)
        expect(found.locator("mark")).to_have_text("recieve")
        assert _style(page, "button[type=submit]", "background-color", "font-size", "color") == {
            "background-color": ACCENT,
            "font-size": "16px",
            "color": "rgb(255, 255, 255)",
        }
        assert _style(page, "dialog", "display", "position")["position"] == "fixed"
        # A real mouse click at the button's place: it must not land on the overlay.
        found.locator("textarea").click()
        page.keyboard.type("typed through the overlay")
        found.get_by_role("button", name="Send").click()
        expect(found.get_by_role("status")).to_have_text(THANKS)
        [report] = wait_for_reports(demo_server, 1)
        assert report.exact == "recieve"
        assert report.comment == "typed through the overlay"


def test_strict_csp_on_another_origin(page: Page, demo_server: LiveServer) -> None:
    policy = (
        f"default-src 'none'; script-src {demo_server.url}; style-src {demo_server.url}; "
        f"connect-src {demo_server.url}; base-uri 'none'; form-action 'none'; "
        "require-trusted-types-for 'script'"
    )
    messages: list[str] = []
    errors: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    with serve_pages(
        demo_server, "csp-site", headers={"strict-csp.html": {"content-security-policy": policy}}
    ) as pages:
        page.goto(pages.url("strict-csp.html"))
        expect(page.locator("corrigo-caption")).to_have_css("font-size", "14px")
        select(page, "mispelled", root="article")
        found = open_dialog(page)
        assert _style(page, "button[type=submit]", "background-color") == {
            "background-color": ACCENT
        }
        found.get_by_role("button", name="Send").click()
        expect(found.get_by_role("status")).to_have_text(THANKS)  # the CORS answer was read

        [report] = wait_for_reports(demo_server, 1)
        assert report.exact == "mispelled"
        assert report.url == pages.url("strict-csp.html")
        assert report.author == "Page Author"
        assert page.evaluate("violations") == []
        assert not [m for m in messages if "Content Security Policy" in m]
        assert errors == []


def test_the_widget_css_does_not_touch_the_page(page: Page, demo_server: LiveServer) -> None:
    bare = (PAGES / "plain.html").read_text(encoding="utf-8").replace("$widget", "")
    properties = [
        "font-size",
        "font-family",
        "color",
        "background-color",
        "border-top-width",
        "padding-top",
        "margin-top",
        "display",
        "outline-style",
    ]
    measure = """(properties) => [...document.querySelectorAll('#story *')].map((el) => {
      const style = getComputedStyle(el);
      return [el.tagName, ...properties.map((name) => style.getPropertyValue(name))];
    })"""
    with serve_pages(demo_server, "plain-site", extra={"plain-bare.html": bare}) as pages:
        page.goto(pages.url("plain-bare.html"))
        without = page.evaluate(measure, properties)
        page.goto(pages.url("plain.html"))
        select(page, "misprnt", root="article")
        open_dialog(page)
        with_widget = page.evaluate(measure, properties)
    assert with_widget == without
