"""Fetching a page whose address a reader sent, without letting it reach what it must not.

Call ``await fetch_page(url, allowed_origins=site.allowed_origins)`` (with
``allow_private=settings.verify_allow_private`` and, for a page fetched before,
its ``etag``/``last_modified``): it returns a :class:`FetchedPage` — the final
URL and the HTML as text, or ``html=None`` when the server answered 304 Not
Modified — or raises :class:`Unreachable` whose ``reason`` is one sentence for
editors. The rules: only ``http``/``https`` URLs on one of the allowed origins
(``*.`` wildcards as for reports); the host is resolved once and every address
it resolves to must be public (loopback, private, link-local, multicast,
reserved and unspecified addresses are refused, IPv4 and IPv6 alike, including
IPv4-mapped, 6to4, Teredo and NAT64 forms; ``allow_private`` lets private and
loopback ones through, never the rest), and the connection goes to the address
that was checked; at most 3 redirects, each checked by the same rules; at most
5 MiB of body (after decompression), 10 s for everything, HTML content types
only; no cookies and no credentials are ever sent. The page checker (issue 9),
the proofreading (issue 10) and the CMS connectors (issue 11) all fetch through it.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import ssl
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpcore

from corrigo import __version__
from corrigo.domain.origins import origin_allowed
from corrigo.domain.url import DEFAULT_PORTS, origin_of

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = 10.0
MAX_REDIRECTS = 3
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class Unreachable(Exception):
    """The page could not be fetched, or must not be; `reason` says why in one sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A fetched page: its final URL, its HTML (None when unchanged: 304) and validators."""

    url: str
    html: str | None
    etag: str = ""
    last_modified: str = ""


def user_agent(base_url: str) -> str:
    """The User-Agent every fetch sends: who is asking, and where to read about it."""
    return f"Corrigo/{__version__} (+{base_url})"


def _embedded(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), else itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_refusal(address: IPAddress, allow_private: bool = False) -> str | None:
    """Why a connection to `address` is refused, or None when it is allowed."""
    inner = _embedded(address)
    # A mapped address (::ffff:a.b.c.d) is the IPv4 one; the others are judged as both.
    mapped = isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None
    for candidate in (inner,) if mapped else (address, inner):
        if candidate.is_loopback:
            if allow_private:
                continue
            return f"{address} is a loopback address"
        if candidate.is_multicast:
            return f"{address} is a multicast address"
        if candidate.is_link_local:
            return f"{address} is a link-local address"
        if candidate.is_unspecified or candidate.is_reserved:
            return f"{address} is a reserved address"
        if not candidate.is_global and not allow_private:
            return f"{address} is a private address"
    return None


async def _resolve(host: str, port: int, allow_private: bool) -> IPAddress:
    """The address to connect to; every address the name resolves to must be allowed."""
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError):
            raise Unreachable(f"the host name {host} does not resolve") from None
        # An IPv6 answer may carry a zone (fe80::1%eth0); the zone never makes it safe.
        addresses = list(
            dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
        )
    if not addresses:
        raise Unreachable(f"the host name {host} does not resolve")
    for address in addresses:
        refusal = address_refusal(address, allow_private)
        if refusal is not None:
            raise Unreachable(f"{host} is not fetched: {refusal}")
    return addresses[0]


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the one address that was checked, whatever the connection pool asks for."""

    def __init__(self, host: str, address: IPAddress) -> None:
        self._host = host
        self._address = str(address)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.AsyncNetworkStream:
        if host.strip("[]") != self._host:  # the pool serves only the URL it was made for
            raise httpcore.ConnectError(f"unexpected host {host}")
        return await self._inner.connect_tcp(self._address, port, timeout=timeout)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
        socket_options: object = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _check_url(url: str, allowed_origins: Sequence[str]) -> tuple[str, str, int]:
    """(URL with an ASCII host, host, port) of a URL the rules allow; else Unreachable."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise Unreachable("the address is not an http or https URL")
    if parts.username or parts.password:
        raise Unreachable("the address carries credentials")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise Unreachable("the address has an invalid port") from None
    if not origin_allowed(origin_of(url), list(allowed_origins)):
        raise Unreachable(f"{origin_of(url)} is not one of the site's allowed origins")
    host = parts.hostname
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise Unreachable("the address has an invalid host name") from None
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return url, host, port


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context for every fetch: loading the CA bundle costs ~10 ms of CPU."""
    return ssl.create_default_context()


def _header(response: httpcore.Response, name: bytes) -> str:
    for key, value in response.headers:
        if key.lower() == name:
            return value.decode("latin-1").strip()
    return ""


def _decode(body: bytes, content_type: str) -> str:
    """The body as text: the charset of the header, else of a <meta>, else UTF-8."""
    charset = ""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    if not charset:
        if body.startswith(b"\xef\xbb\xbf"):
            charset = "utf-8-sig"
        elif match := _CHARSET.search(body[:2048]):
            charset = match.group(1).decode("ascii")
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", errors="replace")


class _Body:
    """Collects a body up to a size, decompressing gzip or deflate as it comes."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.lower()
        if encoding in ("", "identity"):
            self._inflate = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._inflate = zlib.decompressobj(47)  # zlib or gzip header, detected
        else:
            raise Unreachable(f"the page came in an encoding Corrigo does not read ({encoding})")
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        if self._inflate is not None:
            try:
                # Never inflate more than the cap allows: a small bomb stays small.
                chunk = self._inflate.decompress(chunk, self._limit - self._size + 1)
            except zlib.error:
                raise Unreachable("the page's compressed body is damaged") from None
        self._size += len(chunk)
        if self._size > self._limit:
            raise Unreachable(f"the page is larger than {self._limit // (1024 * 1024)} MiB")
        self._chunks.append(chunk)

    def bytes(self) -> bytes:
        return b"".join(self._chunks)


async def _one_hop(
    url: str,
    host: str,
    address: IPAddress,
    headers: list[tuple[bytes, bytes]],
    max_bytes: int,
) -> tuple[int, str, FetchedPage | None]:
    """One request: (status, Location, page) — the page only for a 200 or a 304."""
    async with (
        httpcore.AsyncConnectionPool(
            ssl_context=_tls(),
            network_backend=_PinnedBackend(host, address),
            max_connections=1,
        ) as pool,
        pool.stream("GET", url, headers=headers) as response,
    ):
        status = response.status
        if status in REDIRECTS:
            return status, _header(response, b"location"), None
        etag = _header(response, b"etag")
        modified = _header(response, b"last-modified")
        if status == 304:
            return status, "", FetchedPage(url, None, etag, modified)
        if status != 200:
            raise Unreachable(f"the page answered HTTP {status}")
        content_type = _header(response, b"content-type")
        if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            shown = content_type.split(";")[0].strip() or "no content type"
            raise Unreachable(f"the page is not HTML ({shown})")
        body = _Body(_header(response, b"content-encoding"), max_bytes)
        async for chunk in response.aiter_stream():
            body.add(chunk)
        return status, "", FetchedPage(url, _decode(body.bytes(), content_type), etag, modified)


async def _fetch(
    url: str,
    allowed_origins: Sequence[str],
    allow_private: bool,
    headers: list[tuple[bytes, bytes]],
    max_bytes: int,
) -> FetchedPage:
    for _ in range(MAX_REDIRECTS + 1):
        url, host, port = _check_url(url, allowed_origins)
        address = await _resolve(host, port, allow_private)
        try:
            status, location, page = await _one_hop(url, host, address, headers, max_bytes)
        except httpcore.TimeoutException:
            raise Unreachable("the page took too long to answer") from None
        except (httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError) as exc:
            detail = str(exc) or type(exc).__name__
            raise Unreachable(f"the connection to {host} failed ({detail})") from None
        if page is not None:
            return page
        if not location:
            raise Unreachable(f"the page answered HTTP {status} without a Location")
        url = urljoin(url, location)
    raise Unreachable(f"the page redirected more than {MAX_REDIRECTS} times")


async def fetch_page(
    url: str,
    *,
    allowed_origins: Sequence[str],
    allow_private: bool = False,
    etag: str = "",
    last_modified: str = "",
    agent: str = f"Corrigo/{__version__}",
    timeout: float = TIMEOUT,  # noqa: ASYNC109  (the whole fetch, redirects included)
    max_bytes: int = MAX_BYTES,
) -> FetchedPage:
    """Fetch one page by the rules of this module; raises :class:`Unreachable` with a reason."""
    headers = [
        (b"User-Agent", agent.encode("ascii", "replace")),
        (b"Accept", b"text/html,application/xhtml+xml;q=0.9"),
        (b"Accept-Encoding", b"gzip, identity"),
    ]
    if etag:
        headers.append((b"If-None-Match", etag.encode("latin-1", "replace")))
    if last_modified:
        headers.append((b"If-Modified-Since", last_modified.encode("latin-1", "replace")))
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(url, allowed_origins, allow_private, headers, max_bytes)
    except TimeoutError:
        raise Unreachable(f"the page took more than {timeout:g} s to fetch") from None
