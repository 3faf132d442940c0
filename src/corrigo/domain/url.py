"""Normalising article URLs so that one page has one address."""

from __future__ import annotations

from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters added by campaigns and social networks: they never change the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "yclid",
        "msclkid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "ref_src",
        "s_cid",
        "cmpid",
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking(name: str) -> bool:
    """Whether a query parameter only tracks the visit (``utm_*``, ``fbclid``…)."""
    lowered = name.lower()
    return lowered.startswith(("utm_", "pk_", "mtm_")) or lowered in TRACKING_PARAMS


def _origin(parts: SplitResult) -> str:
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def origin_of(url: str) -> str:
    """The origin (``scheme://host[:port]``) of an absolute http(s) URL, lower-cased."""
    return _origin(urlsplit(url))


def page_address(url: str) -> tuple[str, str]:
    """The normalised form of a page's URL (see :func:`normalize_url`) and its origin.

    Raises ValueError for anything that is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError("not an absolute http(s) URL")
    if parts.username or parts.password:
        raise ValueError("URL must not carry credentials")
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if not is_tracking(k)])
    origin = _origin(parts)
    scheme, host = origin.split("://", 1)
    return urlunsplit((scheme, host, parts.path or "/", query, "")), origin


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default port, fragment and tracking parameters.

    Remaining query parameters keep their order: some sites route on it.
    Raises ValueError for anything that is not an absolute http(s) URL.
    """
    return page_address(url)[0]
