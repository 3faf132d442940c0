"""Never losing a report: kept in localStorage when it cannot be sent, sent once later."""

from __future__ import annotations

import json

from playwright.sync_api import Page, Route, expect

from tests.browser.widget_support import (
    dialog,
    open_dialog,
    select,
    stored_reports,
    wait_for_reports,
)
from tests.conftest import LiveServer

SAVED = "You seem to be offline. Your report is saved and will be sent when you are back online."
QUEUE = "corrigo:queue"


def _queue(page: Page) -> list[dict[str, object]]:
    raw = page.evaluate(f"localStorage.getItem({QUEUE!r})")
    return json.loads(raw) if raw else []


def _report_and_send(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/demo/bridge-reopens")
    select(page, "intergration")
    open_dialog(page)
    dialog(page).locator("textarea").fill("sent while the server was away")


def _send_offline(page: Page, server: LiveServer) -> None:
    """Open the dialog, take the browser offline, send: the report is kept."""
    _report_and_send(page, server)
    page.context.set_offline(True)
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(SAVED)


def test_server_down_then_back_the_report_arrives_exactly_once_after_reload(
    page: Page, demo_server: LiveServer
) -> None:
    _report_and_send(page, demo_server)
    demo_server.stop()
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(SAVED)
    [entry] = _queue(page)
    demo_server.start()

    page.reload()
    [report] = wait_for_reports(demo_server, 1)
    assert report.client_id == entry["id"]
    assert report.exact == "intergration"
    assert report.comment == "sent while the server was away"
    page.wait_for_function(f"() => localStorage.getItem({QUEUE!r}) === null")

    page.reload()
    page.wait_for_load_state("networkidle")
    assert len(stored_reports(demo_server)) == 1


def test_offline_report_is_sent_when_the_browser_comes_back_online(
    page: Page, demo_server: LiveServer
) -> None:
    _send_offline(page, demo_server)
    assert len(_queue(page)) == 1
    assert stored_reports(demo_server) == []

    page.context.set_offline(False)  # fires `online`: no reload needed
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == "intergration"
    page.wait_for_function(f"() => localStorage.getItem({QUEUE!r}) === null")
    page.wait_for_timeout(300)
    assert len(stored_reports(demo_server)) == 1


def test_answer_lost_on_the_way_back_is_not_stored_twice(
    page: Page, demo_server: LiveServer
) -> None:
    """The server stores the report but the reader never hears: the retry is deduplicated."""
    _report_and_send(page, demo_server)
    answers: list[int] = []

    def lose_the_answer(route: Route) -> None:
        answers.append(route.fetch().status)  # the server really gets the report
        route.abort("connectionreset")

    page.route("**/api/v1/reports", lose_the_answer)
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(SAVED)
    assert answers == [202]
    [entry] = _queue(page)
    page.unroute("**/api/v1/reports")

    page.reload()
    page.wait_for_function(f"() => localStorage.getItem({QUEUE!r}) === null")
    [report] = stored_reports(demo_server)
    assert report.client_id == entry["id"]


def test_5xx_keeps_the_report_and_4xx_does_not(page: Page, demo_server: LiveServer) -> None:
    _report_and_send(page, demo_server)
    page.route(
        "**/api/v1/reports",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body='{"error":"unavailable","message":"The report could not be saved; please retry."}',
        ),
    )
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(SAVED)
    assert len(_queue(page)) == 1

    # A refusal is final: the reader sees the server's reason and nothing is kept.
    page.unroute("**/api/v1/reports")
    page.route(
        "**/api/v1/reports",
        lambda route: route.fulfill(
            status=422,
            content_type="application/json",
            body=json.dumps(
                {"error": "bad_lang", "message": "lang must be a BCP 47 language tag."}
            ),
        ),
    )
    page.keyboard.press("Escape")
    select(page, "recieved")
    open_dialog(page)
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(
        "The report was not accepted: lang must be a BCP 47 language tag."
    )
    assert len(_queue(page)) == 1  # only the first, still waiting

    page.unroute("**/api/v1/reports")
    page.reload()
    [report] = wait_for_reports(demo_server, 1)
    assert report.exact == "intergration"
    page.wait_for_function(f"() => localStorage.getItem({QUEUE!r}) === null")


def test_storage_that_is_full_of_junk_or_unavailable_does_not_break_the_widget(
    page: Page, demo_server: LiveServer
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo_server.url}/demo/bridge-reopens")
    page.evaluate(f"localStorage.setItem({QUEUE!r}, '{{not json')")
    page.reload()
    page.evaluate(f"localStorage.setItem({QUEUE!r}, '[1, null, {{\"id\": 5}}]')")
    page.reload()
    # Storage that refuses writes: the reader is told the truth, not "saved".
    page.evaluate(
        """() => {
          const full = new DOMException('full', 'QuotaExceededError');
          Storage.prototype.setItem = () => { throw full };
        }"""
    )
    page.context.set_offline(True)
    select(page, "intergration")
    open_dialog(page)
    dialog(page).get_by_role("button", name="Send").click()
    expect(dialog(page).get_by_role("status")).to_have_text(
        "The report could not be sent, and this browser cannot keep it for later. "
        "Please try again in a while."
    )
    assert errors == []


def test_a_failed_try_right_after_coming_back_is_tried_again(
    page: Page, demo_server: LiveServer
) -> None:
    _send_offline(page, demo_server)
    tries: list[str] = []

    def flaky_network(route: Route) -> None:
        tries.append(route.request.method)
        if len(tries) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/reports", flaky_network)
    page.context.set_offline(False)
    # Waiting in the page (not in Python) lets Playwright run the route handler meanwhile.
    page.wait_for_function(f"() => localStorage.getItem({QUEUE!r}) === null", timeout=15_000)
    assert tries == ["POST", "POST"]  # the `online` try, then one two seconds later
    [report] = stored_reports(demo_server)
    assert report.exact == "intergration"
