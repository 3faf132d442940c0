"""Reports sent to a live demo server, and signing in with Chromium, for dashboard tests."""

from __future__ import annotations

import struct
import uuid
import zlib
from typing import Any

import httpx
from playwright.sync_api import Page

from tests.conftest import LiveServer


def send_report(server: LiveServer, exact: str, **fields: Any) -> int:
    """POST a report of `exact` on the demo site, as the widget would; returns the group id."""
    body: dict[str, Any] = {
        "site": "demo",
        "url": f"{server.url}/demo/bridge-reopens",
        "title": "Old Town bridge reopens",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "quote": {"exact": exact, "prefix": "", "suffix": ""},
    }
    body.update(fields)
    answer = httpx.post(f"{server.url}/api/v1/reports", json=body, headers={"origin": server.url})
    assert answer.status_code == 202, answer.text
    return int(answer.json()["group_id"])


def sign_in(page: Page, server: LiveServer, path: str = "/dashboard/") -> None:
    """Sign in through the form as the demo admin and land on `path`."""
    account = server.demo_account  # type: ignore[attr-defined]
    page.goto(server.url + path)
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + path)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium screenshots are).

    Returns (width, bytes per pixel, rows of raw pixel bytes).
    """
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length = struct.unpack(">I", data[pos : pos + 4])[0]
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, channels, rows


def colour_box(png: bytes, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box (left, top, right, bottom) of the pixels of exactly this colour."""
    width, channels, rows = png_pixels(png)
    target = bytes(rgb)
    xs: list[int] = []
    ys: list[int] = []
    for y, row in enumerate(rows):
        for x in range(width):
            if row[x * channels : x * channels + 3] == target:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1
