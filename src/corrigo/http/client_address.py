"""The reader's address: the peer, or X-Forwarded-For when the peer is a trusted proxy."""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

from corrigo.config import IPNetwork


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: list[IPNetwork]
) -> bool:
    return any(address in network for network in proxies)


def reader_address(peer: str, forwarded_for: str, proxies: list[IPNetwork]) -> str:
    """The address to rate-limit on, from the peer and its X-Forwarded-For header.

    X-Forwarded-For is read right to left, skipping trusted proxies, so a
    reader cannot choose their address by sending the header themselves.
    """
    if not proxies:
        return peer
    peer_ip = _parse(peer)
    if peer_ip is None or not _trusted(peer_ip, proxies):
        return peer
    hops = [hop for hop in (part.strip() for part in forwarded_for.split(",")) if hop]
    for hop in reversed(hops):
        ip = _parse(hop)
        if ip is None:
            return peer
        if not _trusted(ip, proxies):
            return str(ip)
    return str(_parse(hops[0])) if hops else peer


def client_address(request: Request, proxies: list[IPNetwork]) -> str:
    """:func:`reader_address` for a Starlette request."""
    peer = request.client.host if request.client else ""
    return reader_address(peer, request.headers.get("x-forwarded-for", ""), proxies)
