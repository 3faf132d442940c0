"""HTTP calls to a site's CMS, under the page fetcher's rules.

An admin may point a connector at a private address (their own CMS on the
newsroom's network), so private and loopback addresses are allowed; link-local,
multicast and reserved ones are not (cloud metadata services live there). The
rest of :mod:`corrigo.net.fetch`'s rules hold: a hard timeout, a cap on the
answer's size, no cookies, and no redirect followed (a redirect is refused with
where it pointed, so the admin configures the final address).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import httpx

from corrigo import __version__
from corrigo.connectors.base import ConnectorError
from corrigo.net.fetch import MAX_BYTES, TIMEOUT, address_refusal

USER_AGENT = f"Corrigo-Connector/{__version__}"


def check_address(url: str) -> None:
    """Refuse URLs that are not http(s) or whose host resolves to a forbidden address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectorError("config", "The address must be an http or https URL.")
    if parts.username or parts.password:
        raise ConnectorError("config", "Put credentials in the connector's secret, not in the URL.")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ConnectorError(
            "network", f"The host name {parts.hostname} does not resolve."
        ) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        refusal = address_refusal(address, allow_private=True)
        if refusal is not None:
            raise ConnectorError("config", f"{parts.hostname} is not called: {refusal}.")


def make_client(timeout: float = TIMEOUT) -> httpx.Client:
    """A client for one connector call: no redirects, no cookies, no proxy from the environment."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def request(client: httpx.Client, method: str, url: str, **kwargs: Any) -> tuple[int, bytes]:
    """Send a request and read at most MAX_BYTES of the answer; (status, body).

    Network failures and redirects become :class:`ConnectorError`; error texts
    never contain credentials.
    """
    check_address(url)
    try:
        with client.stream(method, url, **kwargs) as response:
            if response.is_redirect:
                target = response.headers.get("location", "")
                raise ConnectorError(
                    "config",
                    f"The CMS answered with a redirect to {target[:200]}; "
                    "configure the final address.",
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ConnectorError("network", "The CMS's answer is larger than 5 MiB.")
            return response.status_code, bytes(body)
    except httpx.TimeoutException:
        raise ConnectorError("network", "The CMS did not answer in time.") from None
    except httpx.HTTPError as error:
        raise ConnectorError(
            "network", f"The CMS cannot be reached ({type(error).__name__})."
        ) from None
