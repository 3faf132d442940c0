"""The statistics page in Chromium: the charts are painted pictures, and they are accessible."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import run_axe
from tests.browser.dashboard_helpers import colour_box, send_report, sign_in
from tests.conftest import LiveServer

BAR_BLUE = (0x1D, 0x5F, 0xA6)  # corrigo.http.dashboard.charts.PALETTE[0]
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


def test_stats_page_paints_svg_charts(page: Page, demo_server: LiveServer) -> None:
    for exact in ("intergration", "councel", "teh"):
        send_report(demo_server, exact, comment="typo", title=HOSTILE_TITLE)
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, demo_server, "/dashboard/stats")
    charts = page.locator("svg.chart")
    assert charts.count() == 4  # reports, trend, pages, sections (one site: no per-site chart)
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.get_attribute("role") == "img"
        box = chart.bounding_box()
        assert box is not None and box["width"] > 250 and box["height"] > 50
    # The reports chart has a bar for today, and it is painted in the chart's blue.
    reports_chart = page.locator("#h-reports + svg")
    assert reports_chart.locator("rect").count() == 30
    painted = colour_box(reports_chart.screenshot(), BAR_BLUE)
    assert painted is not None
    left, top, right, bottom = painted
    assert right - left >= 3 and bottom - top >= 20
    # The hostile page title is a chart label, not markup, and nothing of it ran.
    assert page.evaluate("window.pwned") is None
    assert page.locator("#h-pages + svg text", has_text="<img src=x").count() == 1
    assert not [text for text in violations if "Content Security Policy" in text]
    serious = [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in run_axe(page)
        if violation["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_the_figures_table_opens_for_keyboard_users(page: Page, demo_server: LiveServer) -> None:
    send_report(demo_server, "intergration")
    sign_in(page, demo_server, "/dashboard/stats")
    summary = page.locator("#h-reports ~ details summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#h-reports ~ details table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 30
