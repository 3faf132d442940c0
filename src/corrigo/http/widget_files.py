"""The reader widget's files: ``/widget.js`` and the versioned dialog modules.

Every file is precompressed (brotli and gzip) when the process first serves
one, and answered from memory with a strong ETag per encoding. The loader's
address is fixed in every site's pages, so browsers and CDNs keep it for an
hour and then revalidate it; the dialog files carry the build version in their
path and are kept for a year. The files are public and imported from other
origins (the dialog is an ES module), hence ``Access-Control-Allow-Origin: *``
and ``Cross-Origin-Resource-Policy: cross-origin``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.widget.bundle import Asset, widget_bundle

LOADER_CACHE = "public, max-age=3600, stale-while-revalidate=86400, stale-if-error=604800"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
# An old loader still cached somewhere asks for an older version: it gets the
# current file, which must not be pinned under the old address for a year.
OTHER_VERSION_CACHE = "public, max-age=300"
_COMMON = {
    "vary": "Accept-Encoding",
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
    "x-content-type-options": "nosniff",
}


def _quality(accept: str) -> dict[str, float]:
    """Content-coding weights from an Accept-Encoding header (RFC 9110 section 12.5.3)."""
    weights: dict[str, float] = {}
    for item in accept.split(","):
        coding, _, params = item.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding] = weight
    return weights


def choose_encoding(accept: str) -> str:
    """The best coding we have for this Accept-Encoding: "br", "gzip" or "identity"."""
    weights = _quality(accept)
    star = weights.get("*", 0.0)
    for coding in ("br", "gzip"):
        if weights.get(coding, star) > 0:
            return coding
    if weights.get("x-gzip", 0.0) > 0:
        return "gzip"
    return "identity"


def _etag(asset: Asset, coding: str) -> str:
    return f'"{asset.digest}"' if coding == "identity" else f'"{asset.digest}-{coding}"'


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison against an If-None-Match list, as caches revalidate with it."""
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def serve(request: Request, asset: Asset, cache_control: str) -> Response:
    """Answer with `asset` in the best accepted encoding, or 304 when the client has it."""
    coding = choose_encoding(request.headers.get("accept-encoding", ""))
    etag = _etag(asset, coding)
    headers = {**_COMMON, "cache-control": cache_control, "etag": etag}
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    body = {"br": asset.brotli, "gzip": asset.gzip, "identity": asset.body}[coding]
    if coding != "identity":
        headers["content-encoding"] = coding
    return Response(body, headers=headers, media_type=asset.content_type)


async def loader(request: Request) -> Response:
    """``GET /widget.js``: the loader that sites embed."""
    return serve(request, widget_bundle().loader, LOADER_CACHE)


def _versioned(request: Request) -> str:
    same = request.path_params["version"] == widget_bundle().version
    return VERSIONED_CACHE if same else OTHER_VERSION_CACHE


async def dialog(request: Request) -> Response:
    """``GET /widget/{version}/dialog-{lang}.js``: the dialog module in one language."""
    asset = widget_bundle().dialogs.get(request.path_params["lang"])
    if asset is None:
        return Response("No such widget language.\n", status_code=404, media_type="text/plain")
    return serve(request, asset, _versioned(request))


async def caption(request: Request) -> Response:
    """``GET /widget/{version}/caption-{lang}.json``: a language's two captions, for the
    loader on pages in a language whose captions it does not carry."""
    asset = widget_bundle().captions.get(request.path_params["lang"])
    if asset is None:
        return Response("No such widget language.\n", status_code=404, media_type="text/plain")
    return serve(request, asset, _versioned(request))


async def stylesheet(request: Request) -> Response:
    """``GET /widget/{version}/dialog.css``: for browsers without constructed stylesheets."""
    return serve(request, widget_bundle().css, _versioned(request))


routes = [
    Route("/widget.js", loader, methods=["GET", "HEAD"]),
    Route("/widget/{version}/dialog-{lang}.js", dialog, methods=["GET", "HEAD"]),
    Route("/widget/{version}/caption-{lang}.json", caption, methods=["GET", "HEAD"]),
    Route("/widget/{version}/dialog.css", stylesheet, methods=["GET", "HEAD"]),
]
