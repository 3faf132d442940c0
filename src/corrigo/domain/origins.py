"""Which page origins a site accepts reports and CORS requests from."""

from __future__ import annotations

from corrigo.domain.url import origin_of


def normalize_origin(value: str) -> str:
    """Canonical form of an allowed-origin entry; ``*.`` host wildcards are kept.

    Raises ValueError for anything but ``http(s)://host[:port]``.
    """
    value = value.strip().rstrip("/")
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or "/" in rest:
        raise ValueError(f"{value!r} is not an origin like https://news.example")
    wildcard = rest.startswith("*.")
    origin = origin_of(f"{scheme}://{rest[2:] if wildcard else rest}")
    if wildcard:
        scheme_part, host = origin.split("://", 1)
        return f"{scheme_part}://*.{host}"
    return origin


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    """Whether `origin` is one of `allowed` (``https://*.example.com`` covers subdomains)."""
    origin = origin.lower()
    for entry in allowed:
        if entry == origin:
            return True
        if "://*." in entry:
            scheme, host = entry.split("://*.", 1)
            o_scheme, _, o_host = origin.partition("://")
            if o_scheme == scheme and o_host.endswith("." + host):
                return True
    return False
