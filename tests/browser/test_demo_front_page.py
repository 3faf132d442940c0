"""The demo tells each reader how to report on the device in their hands."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.conftest import LiveServer


@pytest.mark.parametrize("path", ["/demo/", "/demo/bridge-reopens"])
def test_phone_readers_are_told_to_tap(
    new_context: Callable[..., BrowserContext], demo_server: LiveServer, path: str
) -> None:
    phone = new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.goto(demo_server.url + path)
    shown = phone.locator(".on-touch").filter(visible=True)
    expect(shown.first).to_contain_text("Report a misprint")
    expect(phone.locator(".on-keyboard").filter(visible=True)).to_have_count(0)
    assert "Ctrl" not in phone.locator("main, footer").first.inner_text()

    desktop = new_context(viewport={"width": 1280, "height": 900}).new_page()
    desktop.goto(demo_server.url + path)
    expect(desktop.locator(".on-keyboard").filter(visible=True).first).to_contain_text("Enter")
    expect(desktop.locator(".on-touch").filter(visible=True)).to_have_count(0)
