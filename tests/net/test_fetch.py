"""The safe page fetcher against real HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from typing import Any

import pytest

from corrigo.net.fetch import FetchedPage, Unreachable, address_refusal, fetch_page
from tests.net.page_server import Answer, PageServer, endless

PAGE = "<html><body><article><p>Hello, reader.</p></article></body></html>"


def fetch(server: PageServer, path: str, **options: Any) -> FetchedPage:
    options.setdefault("allowed_origins", [server.origin])
    options.setdefault("allow_private", True)
    return asyncio.run(fetch_page(server.url(path), **options))


def refused(server: PageServer, path: str, **options: Any) -> str:
    with pytest.raises(Unreachable) as caught:
        fetch(server, path, **options)
    return caught.value.reason


def test_fetches_a_page_with_its_validators_and_our_user_agent(page_server: PageServer) -> None:
    page_server.page("/a", PAGE, ETag='"v1"', Last_Modified="Mon, 30 Nov 2026 00:00:00 GMT")
    page = fetch(page_server, "/a", agent="Corrigo/test (+http://corrigo.example)")
    assert page.html == PAGE
    assert (page.etag, page.last_modified) == ('"v1"', "Mon, 30 Nov 2026 00:00:00 GMT")
    seen = page_server.requests_to("/a")[0].headers
    assert seen["user-agent"] == "Corrigo/test (+http://corrigo.example)"
    assert "cookie" not in seen and "authorization" not in seen


def test_conditional_request_gets_not_modified(page_server: PageServer) -> None:
    def answer(headers: dict[str, str]) -> Answer:
        if headers.get("if-none-match") == '"v1"':
            return Answer(304, b"", {"ETag": '"v1"'})
        return Answer(200, PAGE.encode(), {"Content-Type": "text/html", "ETag": '"v1"'})

    page_server.routes["/a"] = answer
    page = fetch(page_server, "/a", etag='"v1"')
    assert page.html is None and page.etag == '"v1"'


def test_gzip_is_read_and_the_charset_honoured(page_server: PageServer) -> None:
    body = gzip.compress("<p>Привіт</p>".encode("cp1251"))
    headers = {"Content-Type": "text/html; charset=windows-1251", "Content-Encoding": "gzip"}
    page_server.routes["/a"] = Answer(200, body, headers)
    assert fetch(page_server, "/a").html == "<p>Привіт</p>"


def test_meta_charset_when_the_header_has_none(page_server: PageServer) -> None:
    body = '<meta charset="koi8-u"><p>Привіт</p>'.encode("koi8-u")
    page_server.routes["/a"] = Answer(200, body, {"Content-Type": "text/html"})
    assert "Привіт" in (fetch(page_server, "/a").html or "")


def test_http_error_is_unreachable(page_server: PageServer) -> None:
    assert refused(page_server, "/missing") == "the page answered HTTP 404"


def test_not_html_is_refused(page_server: PageServer) -> None:
    page_server.routes["/a.pdf"] = Answer(200, b"%PDF", {"Content-Type": "application/pdf"})
    assert refused(page_server, "/a.pdf") == "the page is not HTML (application/pdf)"


def test_redirect_within_the_origins_is_followed(page_server: PageServer) -> None:
    page_server.routes["/old"] = Answer(301, b"", {"Location": "/new"})
    page_server.page("/new", PAGE)
    page = fetch(page_server, "/old")
    assert page.url == page_server.url("/new") and page.html == PAGE


def test_redirect_to_another_origin_is_refused_before_any_request(
    page_server: PageServer,
) -> None:
    other = PageServer()
    other.start()
    try:
        other.page("/x", PAGE)
        page_server.routes["/old"] = Answer(302, b"", {"Location": other.url("/x")})
        reason = refused(page_server, "/old")
        assert reason == f"{other.origin} is not one of the site's allowed origins"
        assert other.seen == []
    finally:
        other.stop()


def test_at_most_three_redirects(page_server: PageServer) -> None:
    for n in range(5):
        page_server.routes[f"/r{n}"] = Answer(302, b"", {"Location": f"/r{n + 1}"})
    page_server.page("/r5", PAGE)
    assert refused(page_server, "/r0") == "the page redirected more than 3 times"
    assert len(page_server.seen) == 4


def test_slow_server_times_out(page_server: PageServer) -> None:
    page_server.routes["/slow"] = Answer(200, PAGE.encode(), delay=30)
    assert refused(page_server, "/slow", timeout=0.5) == "the page took more than 0.5 s to fetch"


def test_endless_response_is_cut_at_the_cap(page_server: PageServer) -> None:
    page_server.routes["/endless"] = Answer(stream=endless)
    assert refused(page_server, "/endless", max_bytes=1024 * 1024) == (
        "the page is larger than 1 MiB"
    )


def test_a_gzip_bomb_stays_under_the_cap(page_server: PageServer) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * (20 * 1024 * 1024))
    headers = {"Content-Type": "text/html", "Content-Encoding": "gzip"}
    page_server.routes["/bomb"] = Answer(200, bomb, headers)
    assert refused(page_server, "/bomb") == "the page is larger than 5 MiB"


def test_loopback_name_is_refused_without_a_request(page_server: PageServer) -> None:
    page_server.page("/a", PAGE)
    origin = f"http://localhost:{page_server.port}"
    with pytest.raises(Unreachable) as caught:
        asyncio.run(fetch_page(f"{origin}/a", allowed_origins=[origin]))
    assert "loopback address" in caught.value.reason
    assert page_server.seen == []


def test_origin_outside_the_site_is_refused(page_server: PageServer) -> None:
    page_server.page("/a", PAGE)
    reason = refused(page_server, "/a", allowed_origins=["https://news.example"])
    assert reason.endswith("is not one of the site's allowed origins")
    assert page_server.seen == []


@pytest.mark.parametrize("url", ["ftp://news.example/a", "http://user:pw@news.example/a"])
def test_only_plain_http_urls(url: str) -> None:
    with pytest.raises(Unreachable):
        asyncio.run(fetch_page(url, allowed_origins=["http://news.example"]))


@pytest.mark.parametrize(
    ("address", "allowed_with_private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("172.16.5.5", True),
        ("100.64.0.1", True),
        ("::1", True),
        ("fd00::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", True),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("0.0.0.0", False),
        ("::", False),
        ("240.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::", True),  # 6to4 around 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
    ],
)
def test_address_rules(address: str, allowed_with_private: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert address_refusal(ip) is not None
    assert (address_refusal(ip, allow_private=True) is None) == allowed_with_private


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None
