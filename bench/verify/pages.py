"""The page checker benchmark's news site: N article pages on many loopback hosts.

``pages.py PORT HOSTS`` serves ``/p/<n>`` on 127.0.0.2 … 127.0.0.<HOSTS+1>, all on
PORT, each page answered with an ETag (and a 304 to a matching If-None-Match),
like a CMS behind a cache. Pages are built from their number alone, so the
benchmark builds the same articles to take its quotes from.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import socket
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

WORDS = [
    "the",
    "council",
    "said",
    "budget",
    "city",
    "river",
    "bridge",
    "trams",
    "would",
    "open",
    "new",
    "school",
    "year",
    "after",
    "months",
    "of",
    "work",
    "on",
    "the",
    "old",
    "town",
    "square",
    "where",
    "officials",
    "and",
    "residents",
    "met",
    "to",
    "discuss",
    "plans",
    "for",
    "the",
    "summer",
    "festival",
    "including",
    "music",
    "food",
    "and",
    "a",
    "market",
]
MISPRINTS = ("intergration", "goverment", "recieve", "seperate", "occured", "definately")


def article(n: int) -> list[str]:
    """The paragraphs of article `n` (about 30 KB of text, with misprints in it)."""
    rng = random.Random(n)
    paragraphs = []
    for _ in range(40):
        words = [rng.choice(WORDS) for _ in range(120)]
        words[rng.randrange(len(words))] = rng.choice(MISPRINTS)
        paragraphs.append(" ".join(words).capitalize() + ".")
    return paragraphs


def page(n: int) -> str:
    """Article `n` as a news page of about 120 KB: head, scripts, navigation, teasers."""
    rng = random.Random(-n)
    teasers = "".join(
        f"<li><a href='/p/{rng.randrange(1000)}'>{' '.join(rng.choices(WORDS, k=8))}</a>"
        f"<p>{' '.join(rng.choices(WORDS, k=40))}</p></li>"
        for _ in range(120)
    )
    scripts = "".join(f"<script>var s{i}='{'x' * 400}';</script>" for i in range(40))
    body = "".join(f"<p>{text}</p>" for text in article(n))
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Article {n}</title>"
        f"{scripts}</head><body><header><nav>{'<a href=/>Section</a> ' * 60}</nav></header>"
        f"<main><article><h1>Article {n}</h1><div itemprop=articleBody>{body}</div></article>"
        f"<aside><ul>{teasers}</ul></aside></main><footer>{'Footer text. ' * 50}</footer>"
        "</body></html>"
    )


_CACHE: dict[int, tuple[bytes, str]] = {}


async def serve_page(request: Request) -> Response:
    """One page, or 304 when the client has it."""
    n = int(request.path_params["n"])
    if n not in _CACHE:
        body = page(n).encode()
        _CACHE[n] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
    body, etag = _CACHE[n]
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"etag": etag})
    return HTMLResponse(body, headers={"etag": etag})


def host(index: int) -> str:
    """The loopback address of host number `index` (0-based)."""
    return f"127.0.0.{index + 2}"


def main() -> None:
    """Serve until killed."""
    port, hosts = int(sys.argv[1]), int(sys.argv[2])
    sockets = []
    for index in range(hosts):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host(index), port))
        sockets.append(sock)
    app = Starlette(routes=[Route("/p/{n:int}", serve_page)])
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    asyncio.run(uvicorn.Server(config).serve(sockets=sockets))


if __name__ == "__main__":
    main()
